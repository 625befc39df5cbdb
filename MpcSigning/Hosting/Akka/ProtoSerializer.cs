using System.Collections.Frozen;
using System.Reflection;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace MpcSigning.Hosting.Akka;

/// <summary>
/// The one Akka serializer for mpcsign's messages: every Google.Protobuf message declared in <c>proto/</c>, written as
/// its protobuf bytes with the message's full protobuf name (e.g. <c>mpcsign.coordinator.SessionEvent</c>) as the
/// manifest. Used by the journal and snapshot store for session events and state, and by remoting between nodes.
/// Only the product's own messages are known: any other type, or a manifest naming none of them, is refused.
/// </summary>
public sealed class ProtoSerializer : SerializerWithStringManifest
{
    /// <summary>Akka reserves identifiers 0-100 for its own serializers.</summary>
    public const int Id = 5187;

    /// <summary>The HOCON name the serializer is registered under.</summary>
    public const string Name = "mpcsign-proto";

    private static readonly FrozenDictionary<string, MessageParser> ParsersByName = Load(out TypesToName);
    private static readonly FrozenDictionary<Type, string> TypesToName;

    public ProtoSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => Id;

    /// <summary>How many message types the serializer knows (every message in proto/).</summary>
    public static int KnownMessageCount => ParsersByName.Count;

    public override byte[] ToBinary(object obj) => obj is IMessage m && TypesToName.ContainsKey(obj.GetType())
        ? m.ToByteArray()
        : throw Unknown(obj.GetType().FullName ?? obj.GetType().Name);

    public override object FromBinary(byte[] bytes, string manifest) =>
        ParsersByName.TryGetValue(manifest, out var parser)
            ? parser.ParseFrom(bytes)
            : throw new SerializationException($"'{manifest}' names no mpcsign protobuf message; refusing to deserialize it");

    public override string Manifest(object o) =>
        TypesToName.TryGetValue(o.GetType(), out var name) ? name : throw Unknown(o.GetType().FullName ?? o.GetType().Name);

    private static SerializationException Unknown(string type) =>
        new($"{type} is not an mpcsign protobuf message; only messages declared in proto/ cross a serialization boundary");

    private static FrozenDictionary<string, MessageParser> Load(out FrozenDictionary<Type, string> typesToName)
    {
        var parsers = new Dictionary<string, MessageParser>();
        var names = new Dictionary<Type, string>();
        foreach (var type in typeof(ProtoSerializer).Assembly.GetTypes())
        {
            if (!typeof(IMessage).IsAssignableFrom(type) || type.IsAbstract || !type.Namespace!.StartsWith("MpcSigning.Proto", StringComparison.Ordinal))
                continue;
            var descriptor = (MessageDescriptor)type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            parsers.Add(descriptor.FullName, descriptor.Parser);
            names.Add(type, descriptor.FullName);
        }
        typesToName = names.ToFrozenDictionary();
        return parsers.ToFrozenDictionary();
    }
}
