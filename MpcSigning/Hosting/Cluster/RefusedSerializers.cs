using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace MpcSigning.Hosting.Cluster;

/// <summary>
/// Takes the place of one of Akka's general-purpose serializers on networked systems: nothing is written with it, and a
/// frame from a peer that names it is refused on arrival instead of being turned into whatever type its manifest names.
/// </summary>
public abstract class RefusedSerializer(ExtendedActorSystem system, string what) : Serializer(system)
{
    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType().FullName} would cross a link as {what}; only messages declared in proto/ may");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"a peer sent a message serialized as {what}; only messages declared in proto/ are accepted");
}

/// <summary>In place of Akka's Newtonsoft JSON serializer (identifier 1, the default for any type).</summary>
public sealed class RefusedJsonSerializer(ExtendedActorSystem system) : RefusedSerializer(system, "JSON")
{
    /// <summary>Akka passes the JSON serializer's settings (akka.actor.serialization-settings.json); there are none to use.</summary>
    public RefusedJsonSerializer(ExtendedActorSystem system, global::Akka.Configuration.Config config) : this(system)
    {
    }

    public override int Identifier => 1;
}

/// <summary>
/// In place of Akka.Remote's generic protobuf serializer (identifier 2), which loads any type named by the frame's
/// manifest; mpcsign's messages go through <see cref="Akka.ProtoSerializer"/>, which knows only proto/'s messages.
/// </summary>
public sealed class RefusedGenericProtobufSerializer(ExtendedActorSystem system) : RefusedSerializer(system, "a protobuf type named by the peer")
{
    public override int Identifier => 2;
}
