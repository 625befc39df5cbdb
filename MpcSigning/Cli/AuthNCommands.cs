using System.Buffers.Text;
using System.CommandLine;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry.Sqlite;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Hosting;
using MpcSigning.Storage.Sqlite;

namespace MpcSigning.Cli;

/// <summary>
/// <c>mpcsign authn ...</c>: software authenticators, the participant registry, and making an approval.
/// Errors print one line to stderr and return 1 (2 for a bad setting); usage errors are System.CommandLine's (exit 1 as well).
/// </summary>
public static partial class AuthNCommands
{
    /// <summary>The node's database file in the data directory (shared by every module's tables).</summary>
    public const string DatabaseFileName = Hosting.NodeHost.DatabaseFileName;

    public static Command Build(Option<string?> dataDirOption)
    {
        var email = new Option<string>("--email") { Description = "Participant email (the identity).", Required = true };
        var keyDir = new Option<string?>("--authenticator-dir")
            { Description = $"Directory of software authenticator files (default {SoftwareAuthenticator.DefaultDirectory})." };

        var create = new Command("create-authenticator", "Create a software authenticator (ES256, EdDSA or RS256 key; owner-only file) for an email.");
        var algorithm = new Option<string>("--algorithm")
            { Description = "Credential algorithm: ES256, EdDSA or RS256.", DefaultValueFactory = _ => SoftwareAlgorithms.Es256 };
        create.Options.Add(email);
        create.Options.Add(keyDir);
        create.Options.Add(algorithm);
        create.SetAction(r => Run(r, () =>
        {
            var a = SoftwareAuthenticator.Create(r.GetValue(keyDir), r.GetValue(email)!, SoftwareAlgorithms.Parse(r.GetValue(algorithm)!));
            r.InvocationConfiguration.Output.WriteLine(
                $"created {a.FilePath} (credential id {Base64Url.EncodeToString(a.CredentialId)})");
        }));

        var name = new Option<string>("--name") { Description = "Display name, e.g. Alice.", Required = true };
        var role = new Option<string>("--role") { Description = "engineer or steward.", Required = true };
        var enroll = new Command("enroll", "Enroll a participant: register their software authenticator's credential (WebAuthn registration, as a browser does).");
        enroll.Options.Add(name);
        enroll.Options.Add(email);
        enroll.Options.Add(role);
        enroll.Options.Add(keyDir);
        enroll.SetAction(r => Run(r, () =>
        {
            var parsedRole = RoleNames.Parse(r.GetValue(role));
            var a = SoftwareAuthenticator.Load(r.GetValue(keyDir), r.GetValue(email)!);
            // The registration ceremony runs here, against the default relying party: what is stored (credential id,
            // COSE key, flags) does not depend on the RP, and approvals are then checked against the node's.
            var ceremonies = new AuthN.Passkeys.PasskeyCeremonies(RelyingParty.Default, AuthN.Passkeys.AttestationPolicy.Default, TimeProvider.System);
            var start = ceremonies.BeginRegistration(r.GetValue(name)!, r.GetValue(email)!, parsedRole);
            var outcome = ceremonies.CompleteRegistration(start.CeremonyId, a.Register(start.OptionsJson, RelyingParty.Default.PrimaryOrigin))
                .GetAwaiter().GetResult();
            if (!outcome.Ok) throw new AuthNException(outcome.Code, outcome.Message);
            var result = WithRegistry(r, dataDirOption, registry => registry.Enroll(outcome.Participant!));
            if (!result.Ok) throw new AuthNException(result.Code, result.Message);
            r.InvocationConfiguration.Output.WriteLine(result.Message);
        }));

        var list = new Command("list", "List enrolled participants.");
        list.SetAction(r => Run(r, () =>
        {
            foreach (var p in WithRegistry(r, dataDirOption, registry => registry.List()))
                r.InvocationConfiguration.Output.WriteLine($"{Text.Printable(p.Email)}\t{RoleNames.ToName(p.Role)}\t{Text.Printable(p.Name)}\tsignCount {p.SignCount}");
        }));

        var root = new Command("authn", "Participants and their WebAuthn credentials.");
        root.Subcommands.Add(create);
        root.Subcommands.Add(enroll);
        root.Subcommands.Add(list);
        root.Subcommands.Add(BuildAssert(email, keyDir));
        return root;
    }

    /// <summary>Uses the registry in the data directory while holding the directory's lock, as a node does.</summary>
    private static T WithRegistry<T>(ParseResult r, Option<string?> dataDirOption, Func<AuthN.Registry.IParticipantRegistry, T> use)
    {
        var (data, held) = CliApp.OpenLocked(r, dataDirOption, r.InvocationConfiguration.Error);
        // Once the trust policy exists, enrolment is a policy change: the registry admits only whom the policy names.
        using (held)
            return use(new Policy.PolicyGatedRegistry(new SqliteParticipantRegistry(SqliteDatabase.Open(data.File(DatabaseFileName))),
                new Policy.PolicyStore(data.Path)));
    }

    /// <summary>The one place AuthN CLI errors become a line on stderr and exit code 1.</summary>
    private static int Run(ParseResult r, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is AuthNException or Policy.PolicyException or IOException or UnauthorizedAccessException or FormatException
                                      or Interop.SodiumUnavailableException)
        {
            r.InvocationConfiguration.Error.WriteLine($"mpcsign: {e.Message}");
            return e is Interop.SodiumUnavailableException ? CliErrors.MissingLibrary : 1;
        }
        catch (ConfigException e)
        {
            r.InvocationConfiguration.Error.WriteLine($"mpcsign: configuration error: {e.Message}");
            return 2;
        }
    }
}
