using System.Collections.Concurrent;
using System.Diagnostics;
using Status = Grpc.Core.Status;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace MpcSigning.Hosting.Grpc;

/// <summary>
/// The attestation digest (SHA-256 of the report) the node gave on each connection, for the audit trail. Bounded: past
/// <see cref="Capacity"/> connections the oldest entries are dropped (their later calls are audited as unattested).
/// </summary>
public sealed class ConnectionAttestations
{
    public const string Unattested = "unattested";

    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, string> _byConnection = new();
    private readonly ConcurrentQueue<string> _order = new();

    public void Record(ServerCallContext context, string digest)
    {
        var id = context.GetHttpContext().Connection.Id;
        if (_byConnection.TryAdd(id, digest)) _order.Enqueue(id);
        else _byConnection[id] = digest;
        while (_byConnection.Count > Capacity && _order.TryDequeue(out var old)) _byConnection.TryRemove(old, out _);
    }

    public string Of(ServerCallContext context) =>
        _byConnection.TryGetValue(context.GetHttpContext().Connection.Id, out var d) ? d : Unattested;
}

/// <summary>
/// The gRPC edge's two interceptors in one: every call is audited (who by client certificate, method, session id when the
/// request has one, the connection's attestation digest, outcome, duration: the same audit events the actors write), and
/// every failure leaves as a gRPC status with a one-line message (the project's error code in the trailer
/// <see cref="ErrorCodeTrailer"/>); never a stack trace.
/// </summary>
public sealed class EdgeInterceptor(ConnectionAttestations attested) : Interceptor
{
    public const string ErrorCodeTrailer = "mpcsign-error-code";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var reply = await continuation(request, context);
            Record(request, context, "ok", clock);
            return reply;
        }
        catch (Exception e)
        {
            var rpc = Map(e, context);
            Record(request, context, $"{rpc.StatusCode}: {rpc.Status.Detail}", clock);
            throw rpc;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await continuation(request, responseStream, context);
            Record(request, context, "ok", clock);
        }
        catch (Exception e)
        {
            var rpc = Map(e, context);
            Record(request, context, $"{rpc.StatusCode}: {rpc.Status.Detail}", clock);
            throw rpc;
        }
    }

    private void Record(object request, ServerCallContext context, string outcome, Stopwatch clock)
    {
        var who = context.GetHttpContext().Connection.ClientCertificate?.Subject ?? "unauthenticated";
        Audit.Record("grpc", who, context.Method, SessionOf(request), $"{outcome} in {clock.Elapsed.TotalMilliseconds:0} ms", attested.Of(context));
    }

    /// <summary>The request's session_id field (hex), when it has one.</summary>
    private static string? SessionOf(object request)
    {
        if (request is not IMessage m) return null;
        var field = m.Descriptor.FindFieldByName("session_id");
        if (field is not { FieldType: FieldType.Bytes }) return null;
        return field.Accessor.GetValue(m) is ByteString { Length: > 0 } b ? Convert.ToHexStringLower(b.Span) : null;
    }

    /// <summary>The status a failure leaves as: refusals with their code, bad fields named, internal errors without detail.</summary>
    internal static RpcException Map(Exception e, ServerCallContext context)
    {
        switch (e)
        {
            case RpcException rpc:
                return rpc;
            case RequestFieldException f:
                return new RpcException(new Status(StatusCode.InvalidArgument, f.Message), Code("request.invalid_field"));
            case ServiceRefusedException r:
                return new RpcException(new Status(StatusOf(r.Error.Code), r.Error.Message), Code(r.Error.Code));
            case OperationCanceledException when context.Deadline <= DateTime.UtcNow:
                return new RpcException(new Status(StatusCode.DeadlineExceeded, "the call's deadline passed before the node answered"));
            case OperationCanceledException:
                return new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled"));
            case global::Akka.Actor.AskTimeoutException:
                return new RpcException(new Status(StatusCode.Unavailable, "a service of the node did not answer in time; try again"));
            case TLog.TLogException t:
                return new RpcException(new Status(StatusCode.FailedPrecondition, t.Message), Code("tlog." + t.Code));
            case Attestation.AttestationException a:
                return new RpcException(new Status(StatusCode.Unavailable, "the node cannot attest itself: " + a.Message));
            default:
                Serilog.Log.ForContext("DetailOnly", true).Error(e, "gRPC {Method} failed unexpectedly", context.Method);
                return new RpcException(new Status(StatusCode.Internal, "internal error in the node; its log has the details"));
        }
    }

    private static Metadata Code(string code) => new() { { ErrorCodeTrailer, code } };

    /// <summary>A project error code (e.g. coordinator.unknown_session) as a gRPC status code.</summary>
    internal static StatusCode StatusOf(string code) => code switch
    {
        _ when code.Contains("unknown", StringComparison.Ordinal) || code.Contains("not_found", StringComparison.Ordinal) => StatusCode.NotFound,
        _ when code.Contains("invalid", StringComparison.Ordinal) || code.Contains("malformed", StringComparison.Ordinal) => StatusCode.InvalidArgument,
        _ when code.Contains("unavailable", StringComparison.Ordinal) => StatusCode.Unavailable,
        _ when code.Contains("already", StringComparison.Ordinal) || code.Contains("conflict", StringComparison.Ordinal) => StatusCode.AlreadyExists,
        _ => StatusCode.FailedPrecondition,
    };
}
