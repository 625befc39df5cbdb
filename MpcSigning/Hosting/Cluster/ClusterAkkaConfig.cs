using Akka.Configuration;
using MpcSigning.Hosting.Akka;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// The Akka configuration a networked actor system adds to the node's own (<see cref="NodeAkkaConfig"/>): the remote
/// transport (<see cref="ClusterTransport"/>), protobuf as the only serializer anything may cross a link with, and for
/// members the cluster itself: roles, seed nodes, and the split-brain resolver.
/// </summary>
public static class ClusterAkkaConfig
{
    /// <summary>
    /// Serialization for every networked system. Akka's own messages (cluster gossip, heartbeats, singleton hand-over,
    /// receptionist, system messages) keep the internal serializers their modules bind to their types. mpcsign's
    /// messages, and everything else that would fall through to the catch-all "System.Object" (Newtonsoft JSON by
    /// default), go to <see cref="ProtoSerializer"/>, which refuses any type not declared in proto/: such a message is
    /// dropped at the sender, logged, and the link stays up. The general-purpose serializers a peer could name in a frame
    /// ("json", id 1; Akka.Remote's generic "proto", id 2, which loads whatever protobuf type the frame names) are
    /// replaced by refusing ones, so such a frame is refused on arrival as well.
    /// </summary>
    public static string Serialization => $$"""
        akka.actor {
          serializers {
            {{ProtoSerializer.Name}} = "{{typeof(ProtoSerializer).AssemblyQualifiedName}}"
            json = "{{typeof(RefusedJsonSerializer).AssemblyQualifiedName}}"
            proto = "{{typeof(RefusedGenericProtobufSerializer).AssemblyQualifiedName}}"
          }
          serialization-bindings {
            "Google.Protobuf.IMessage, Google.Protobuf" = {{ProtoSerializer.Name}}
            "System.Object" = {{ProtoSerializer.Name}}
          }
        }
        """;

    /// <summary>A cluster member with <paramref name="roles"/>, joining through <paramref name="options"/>' seed nodes.</summary>
    public static Config Member(ClusterOptions options, IReadOnlyList<string> roles, ClusterTransport.RemoteTransport transport)
    {
        var seeds = string.Join(", ", options.SeedNodes.Select(s => Quote(SeedAddress(transport.Protocol, s.Host, s.Port))));
        var hocon = $$"""
            {{Serialization}}
            akka {
              actor.provider = cluster
              remote.log-remote-lifecycle-events = off
              # SIGTERM and SIGINT belong to 'mpcsign node', which then runs the coordinated shutdown itself; Akka's own
              # handler would run it first and leave the command unable to tell a requested stop from being downed
              coordinated-shutdown.run-by-clr-shutdown-hook = off
              cluster {
                roles = [{{string.Join(", ", roles.Select(Quote))}}]
                seed-nodes = [{{seeds}}]
                # The split-brain resolver decides what happens to unreachable members: keep-majority keeps the side with
                # more members (on a tie, the side with the lowest address) and downs the other, after the partition has
                # been stable for stable-after. A minority side downs itself, so it can never sign or log on its own.
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = {{(int)options.DownUnreachableAfter.TotalSeconds}}s
                }
                # a downed or removed member stops its actor system (the process then exits)
                run-coordinated-shutdown-when-down = on
                # A member restarted on its host:port (after a crash or a kill) is a new incarnation of one still listed:
                # its first join only gets the old one downed and removed, and it is let in on its next attempt. Akka's
                # 10 s between attempts kept a restarted member out for 10-17 s; with 2 s it is back in 5-8 s.
                retry-unsuccessful-join-after = 2s
                # Gossip and leader actions twice a second (Akka: once): a joining member is moved to Up, and a downed
                # one removed, at the next leader action after every member has seen the change, which takes a few
                # gossip rounds. Eight members' gossip is a few kB a second.
                gossip-interval = 500ms
                leader-actions-interval = 500ms
                log-info = off
              }
            }
            """;
        return ConfigurationFactory.ParseString(hocon).WithFallback(transport.Hocon);
    }

    /// <summary>A client: remoting only (never a member); it reaches the cluster through the receptionists.</summary>
    public static Config Client(ClusterTransport.RemoteTransport transport) =>
        ConfigurationFactory.ParseString($$"""
            {{Serialization}}
            akka.actor.provider = remote
            akka.remote.log-remote-lifecycle-events = off
            """).WithFallback(transport.Hocon);

    /// <summary>The address of the seed node at host:port (every member's system is named <see cref="ClusterOptions.SystemName"/>).</summary>
    public static string SeedAddress(string protocol, string host, int port) => $"{protocol}://{ClusterOptions.SystemName}@{host}:{port}";

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
