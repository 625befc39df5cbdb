using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// Takes the place of Akka's Newtonsoft JSON serializer (identifier 1) on networked systems: nothing is written as JSON,
/// and a frame from a peer that names JSON as its serializer is refused instead of being deserialized into whatever
/// type its manifest names.
/// </summary>
public sealed class RefusedJsonSerializer(ExtendedActorSystem system) : Serializer(system)
{
    /// <summary>Akka passes the JSON serializer's settings (akka.actor.serialization-settings.json); there are none to use.</summary>
    public RefusedJsonSerializer(ExtendedActorSystem system, global::Akka.Configuration.Config config) : this(system)
    {
    }

    /// <summary>The identifier Akka gives its JSON serializer; frames naming it reach this class.</summary>
    public override int Identifier => 1;

    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType().FullName} would cross a link as JSON; only messages declared in proto/ may");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"a peer sent a JSON-serialized {type?.FullName ?? "message"}; only messages declared in proto/ are accepted");
}
