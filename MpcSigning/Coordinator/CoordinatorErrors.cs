using MpcSigning.Proto.Common;

namespace MpcSigning.Coordinator;

/// <summary>The coordinator's error codes; each maps to a stable wire code and a client-safe message.</summary>
public enum CoordinatorError
{
    InvalidRequest,
    UnknownSession,
    SessionExpired,
    SessionFinished,
    WrongRole,
    SigningFailed,
    StoreUnavailable,
    ServiceUnavailable,
}

public static class CoordinatorErrors
{
    public static string Code(CoordinatorError e) => e switch
    {
        CoordinatorError.InvalidRequest => "coordinator.invalid_request",
        CoordinatorError.UnknownSession => "coordinator.unknown_session",
        CoordinatorError.SessionExpired => "coordinator.session_expired",
        CoordinatorError.SessionFinished => "coordinator.session_finished",
        CoordinatorError.WrongRole => "coordinator.wrong_role",
        CoordinatorError.StoreUnavailable => "coordinator.store_unavailable",
        CoordinatorError.ServiceUnavailable => "coordinator.service_unavailable",
        _ => "coordinator.signing_failed",
    };

    public static Rejected Reject(string requestId, CoordinatorError error, string message) =>
        new() { RequestId = requestId, Error = new ErrorInfo { Code = Code(error), Message = message } };
}
