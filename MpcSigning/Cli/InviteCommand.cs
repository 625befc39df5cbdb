using System.CommandLine;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Invitations;
using MpcSigning.Hosting;

namespace MpcSigning.Cli;

/// <summary>
/// <c>mpcsign invite --name --email --role [--expires 24h]</c>: creates a one-time enrolment invitation on the node
/// (embedded on --data-dir, or a running one with --node) and prints its link. The token is shown this once; the node
/// keeps only its SHA-256. The person opens the link, registers a passkey, and is enrolled with the invited role.
/// </summary>
internal static class InviteCommand
{
    public static Command Build()
    {
        var name = new Option<string>("--name") { Description = "Display name of the person invited, e.g. Alice", Required = true };
        var email = new Option<string>("--email") { Description = "Their email (their identity)", Required = true };
        var role = new Option<string>("--role") { Description = "engineer or steward (the person cannot choose another)", Required = true };
        var expires = new Option<string>("--expires") { Description = "How long the link is valid: 90m, 24h, 7d (1 minute .. 30 days)", DefaultValueFactory = _ => "24h" };
        var cmd = new Command("invite", "Invite a person to enrol a passkey: prints a one-time link to the node's enrolment page") { name, email, role, expires };
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            var r = RoleNames.Parse(p.GetValue(role));
            var lifetime = InvitationTokens.ParseLifetime(p.GetValue(expires)!);
            await using var node = await NodeAccess.OpenAsync(ctx);
            var created = await node.Client.CreateInvitationAsync(p.GetValue(name)!, p.GetValue(email)!, r, lifetime);
            var i = created.Invitation;
            ctx.Out.WriteLine($"{node.RelyingParty.PrimaryOrigin.TrimEnd('/')}/enrol/{created.Token}");
            ctx.Error.WriteLine($"invited {Text.Printable(i.Name)} <{Text.Printable(i.Email)}> as {RoleNames.ToName(i.Role)} until " +
                                $"{DateTimeOffset.FromUnixTimeMilliseconds(i.ExpiresAtUnixMs):u}; the link works once, send it to them privately");
            return 0;
        }));
        return cmd;
    }
}
