using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace MpcSigning.Tests.Messages;

/// <summary>
/// Every protobuf message the product declares survives binary and JSON round trips with every field set. Found by
/// reflection, so a message added to proto/ is covered without touching this file.
/// </summary>
public class ProtoRoundTripTests
{
    public static IEnumerable<TestCaseData> AllMessages() =>
        typeof(MpcSigning.Program).Assembly.GetTypes()
            .Where(t => typeof(IMessage).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) != null)
            .OrderBy(t => t.FullName)
            .Select(t => new TestCaseData(t).SetName($"Message_{t.Name}_RoundTripsThroughBinaryAndJson"));

    [TestCaseSource(nameof(AllMessages))]
    public void Message_Populated_RoundTripsThroughBinaryAndJson(Type type)
    {
        var message = (IMessage)Activator.CreateInstance(type)!;
        Populate(message, new Random(type.FullName!.Length), depth: 0);
        var bytes = message.ToByteArray();
        var parsed = message.Descriptor.Parser.ParseFrom(bytes);
        Assert.That(parsed, Is.EqualTo(message));
        var json = JsonFormatter.Default.Format(message);
        Assert.That(JsonParser.Default.Parse(json, message.Descriptor), Is.EqualTo(message));
        if (message.Descriptor.Fields.InDeclarationOrder().Count > 0) Assert.That(bytes, Is.Not.Empty);
    }

    private static void Populate(IMessage message, Random rng, int depth)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.ContainingOneof is { } oneof && oneof.Accessor.GetCaseFieldDescriptor(message) != null) continue;
            if (field.IsMap)
            {
                var map = (System.Collections.IDictionary)field.Accessor.GetValue(message);
                var entry = field.MessageType.Fields;
                map[Value(entry.InFieldNumberOrder()[0], rng, depth)!] = Value(entry.InFieldNumberOrder()[1], rng, depth);
            }
            else if (field.IsRepeated)
            {
                var list = (System.Collections.IList)field.Accessor.GetValue(message);
                // past the nesting depth a message value is null: a repeated field of them stays empty
                for (var i = 0; i < 2; i++)
                    if (Value(field, rng, depth) is { } item) list.Add(item);
            }
            else if (Value(field, rng, depth) is { } v)
            {
                field.Accessor.SetValue(message, v);
            }
        }
    }

    private static object? Value(FieldDescriptor field, Random rng, int depth) => field.FieldType switch
    {
        FieldType.String => "s" + rng.Next(),
        FieldType.Bytes => ByteString.CopyFrom(Enumerable.Range(0, 1 + rng.Next(40)).Select(_ => (byte)rng.Next(256)).ToArray()),
        FieldType.Bool => true,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => rng.Next(1, int.MaxValue),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => (long)rng.Next(1, int.MaxValue) * 3,
        FieldType.UInt32 or FieldType.Fixed32 => (uint)rng.Next(1, int.MaxValue),
        FieldType.UInt64 or FieldType.Fixed64 => (ulong)rng.Next(1, int.MaxValue) * 5,
        FieldType.Double => rng.NextDouble() + 1,
        FieldType.Float => (float)rng.NextDouble() + 1,
        FieldType.Enum => field.EnumType.Values.Count > 1 ? field.EnumType.Values[1].Number : 0,
        FieldType.Message when depth < 3 => Nested(field, rng, depth),
        _ => null,
    };

    private static IMessage Nested(FieldDescriptor field, Random rng, int depth)
    {
        var m = (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
        Populate(m, rng, depth + 1);
        return m;
    }
}
