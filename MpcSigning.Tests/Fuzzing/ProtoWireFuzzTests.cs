using System.Collections;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using MpcSigning.Hosting.Akka;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// The Akka serializer for every message in proto/, fed mutated wire bytes and manifests: populated messages of
/// every type (every field set, repeated fields and maps filled, nested messages filled) mutated as bytes, read
/// under another type's manifest, under a mangled manifest, and protobuf-shaped damage (overlong varints, huge and
/// negative lengths, deep nesting, unbalanced groups). A refusal is InvalidProtocolBufferException or the
/// serializer's SerializationException; whatever parses must be the manifest's type and survive a write-read
/// round trip, its size and its text form.
/// </summary>
[Category("Fuzz")]
[NonParallelizable]
public class ProtoWireFuzzTests
{
    private const long Inputs = 300_000;

    private sealed record Seed(string Manifest, byte[] Bytes);

    private sealed record Input(string Manifest, byte[] Bytes, string What);

    private ActorSystem _system = null!;
    private ProtoSerializer _serializer = null!;
    private Seed[] _seeds = null!;
    private byte[][] _corpus = null!;
    private string[] _manifests = null!;

    [OneTimeSetUp]
    public void Populate()
    {
        _system = ActorSystem.Create("fuzz-proto");
        _serializer = new ProtoSerializer((ExtendedActorSystem)_system);
        var types = typeof(ProtoSerializer).Assembly.GetTypes()
            .Where(t => typeof(IMessage).IsAssignableFrom(t) && !t.IsAbstract && t.Namespace!.StartsWith("MpcSigning.Proto", StringComparison.Ordinal))
            .OrderBy(t => t.FullName, StringComparer.Ordinal).ToArray();
        Assert.That(types, Has.Length.EqualTo(ProtoSerializer.KnownMessageCount));
        var rng = new FuzzRng(1, "proto-seeds", 0);
        var seeds = new List<Seed>();
        foreach (var t in types)
        {
            for (var k = 0; k < 3; k++)
            {
                var m = (IMessage)Activator.CreateInstance(t)!;
                Fill(rng, m, depth: 0);
                seeds.Add(new Seed(_serializer.Manifest(m), _serializer.ToBinary(m)));
            }
        }
        _seeds = [.. seeds];
        _corpus = [.. _seeds.Select(s => s.Bytes)];
        _manifests = [.. _seeds.Select(s => s.Manifest).Distinct()];
    }

    [OneTimeTearDown]
    public async Task Stop() => await _system.Terminate();

    [Test]
    public void ProtoSerializer_MutatedWireBytesAndManifests_AreRefusedOrRoundTrip() =>
        FuzzRunner.Run(new FuzzCampaign<Input>
        {
            Name = "proto-wire",
            Inputs = Inputs,
            Generate = Generate,
            Check = Check,
            Describe = i => $"{i.What}, manifest '{i.Manifest}', bytes {FuzzRunner.Hex(i.Bytes)}",
            IsRefusal = e => e is InvalidProtocolBufferException or SerializationException,
        });

    private Input Generate(FuzzRng rng)
    {
        var seed = rng.Pick(_seeds);
        return rng.Next(100) switch
        {
            < 62 => new Input(seed.Manifest, ByteMutator.Mutate(rng, seed.Bytes, _corpus, maxLength: 1 << 16), "bytes mutated"),
            < 72 => new Input(rng.Pick(_manifests), rng.Chance(0.5) ? seed.Bytes : ByteMutator.Mutate(rng, seed.Bytes, _corpus), "another type's manifest"),
            < 77 => new Input(TextMutator.MutateString(rng, seed.Manifest), seed.Bytes, "manifest mutated"),
            < 82 => new Input(rng.Chance(0.8) ? seed.Manifest : Encoding.UTF8.GetString(rng.Bytes(rng.Next(0, 40))), rng.Bytes(rng.Next(0, 300)), "random bytes"),
            _ => new Input(seed.Manifest, WireDamage(rng, seed.Bytes), "wire damage"),
        };
    }

    private string Check(Input i)
    {
        var obj = _serializer.FromBinary(i.Bytes, i.Manifest);
        if (obj is not IMessage m || m.Descriptor.FullName != i.Manifest)
            throw new FuzzViolation($"manifest '{i.Manifest}' gave a {obj?.GetType().FullName ?? "null"}");
        var again = _serializer.ToBinary(m);
        if (again.Length != m.CalculateSize()) throw new FuzzViolation("the written size differs from CalculateSize");
        var back = (IMessage)_serializer.FromBinary(again, _serializer.Manifest(m));
        if (!back.Equals(m)) throw new FuzzViolation("a parsed message does not survive a write-read round trip");
        _ = m.ToString(); // the JSON text form, as logs print messages
        return i.Bytes.AsSpan().SequenceEqual(again) ? "parsed (canonical)" : "parsed (re-encoded differently)";
    }

    /// <summary>Protobuf-shaped damage that byte mutation rarely produces.</summary>
    private static byte[] WireDamage(FuzzRng rng, byte[] bytes)
    {
        var at = rng.Next(bytes.Length + 1);
        var field = (ulong)rng.Pick(new[] { 1, 2, 3, 4, 5, 9, 15, 16, 536870911 });
        byte[] piece = rng.Next(8) switch
        {
            0 => [.. Varint(field << 3), .. Enumerable.Repeat((byte)0xFF, rng.Next(10, 12))], // a varint of 10+ bytes
            1 => [.. Varint(field << 3 | 2), .. Varint(rng.Pick(new[] { 0xFFFFFFFFUL, 0x7FFFFFFFUL, 0x80000000UL, ulong.MaxValue })), 1, 2, 3], // huge or negative length
            2 => Nested(field, rng.Pick(new[] { 50, 101, 500 })), // length-delimited nesting deeper than the recursion limit
            3 => [.. Enumerable.Repeat(Varint(field << 3 | 3), rng.Pick(new[] { 1, 99, 101, 300 })).SelectMany(b => b)], // unclosed groups
            4 => Varint(field << 3 | 4), // a group end without a start
            5 => [.. Varint(field << 3 | rng.Pick(new[] { 6UL, 7UL })), 0], // wire types 6 and 7 do not exist
            6 => [.. Varint(field << 3 | 5), 1], // a truncated fixed32
            _ => Varint(rng.NextUInt64()), // an arbitrary tag
        };
        return rng.Chance(0.5) ? [.. bytes[..at], .. piece, .. bytes[at..]] : [.. bytes, .. piece];
    }

    private static byte[] Nested(ulong field, int depth)
    {
        byte[] inner = [];
        for (var d = 0; d < depth; d++) inner = [.. Varint(field << 3 | 2), .. Varint((ulong)inner.Length), .. inner];
        return inner;
    }

    private static byte[] Varint(ulong v)
    {
        var b = new List<byte>();
        do
        {
            var x = (byte)(v & 0x7F);
            v >>= 7;
            b.Add(v != 0 ? (byte)(x | 0x80) : x);
        }
        while (v != 0);
        return [.. b];
    }

    /// <summary>Sets every field (one member of each oneof) to a random value; nested messages two levels deep.</summary>
    private static void Fill(FuzzRng rng, IMessage m, int depth)
    {
        var filledOneofs = new HashSet<OneofDescriptor>();
        foreach (var f in m.Descriptor.Fields.InFieldNumberOrder())
        {
            if (f.RealContainingOneof is { } o && (!filledOneofs.Add(o) || rng.Chance(0.3))) continue;
            if (f.IsMap)
            {
                var map = (IDictionary)f.Accessor.GetValue(m);
                var kv = f.MessageType.Fields;
                for (var k = 0; k < rng.Next(1, 4); k++)
                {
                    var key = Value(rng, kv.InFieldNumberOrder()[0], depth);
                    if (!map.Contains(key)) map.Add(key, Value(rng, kv.InFieldNumberOrder()[1], depth));
                }
            }
            else if (f.IsRepeated)
            {
                var list = (IList)f.Accessor.GetValue(m);
                for (var k = 0; k < rng.Next(1, 4); k++) list.Add(Value(rng, f, depth));
            }
            else if (f.FieldType != FieldType.Message || depth < 2)
            {
                f.Accessor.SetValue(m, Value(rng, f, depth));
            }
        }
    }

    private static object Value(FuzzRng rng, FieldDescriptor f, int depth) => f.FieldType switch
    {
        FieldType.Bool => rng.Chance(0.5),
        FieldType.String => rng.Pick(new[] { "alice@example.com", "engineer", "mpcsign.local", "\u00e9\u2014x", "", "a longer string with spaces" }),
        FieldType.Bytes => ByteString.CopyFrom(rng.Bytes(rng.Pick(new[] { 0, 1, 16, 32, 64, 200 }))),
        FieldType.Double => (double)rng.Next(-1000, 1000) / 7,
        FieldType.Float => (float)rng.Next(-1000, 1000) / 7,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => rng.Pick(new[] { 0, 1, -1, int.MaxValue, int.MinValue, 300 }),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => rng.Pick(new[] { 0L, 1L, -1L, long.MaxValue, long.MinValue, 1_700_000_000_000L }),
        FieldType.UInt32 or FieldType.Fixed32 => rng.Pick(new[] { 0U, 1U, 2U, 3U, uint.MaxValue }),
        FieldType.UInt64 or FieldType.Fixed64 => rng.Pick(new[] { 0UL, 1UL, ulong.MaxValue, 1_700_000_000_000UL }),
        FieldType.Enum => Enum.ToObject(f.EnumType.ClrType, f.EnumType.Values[rng.Next(f.EnumType.Values.Count)].Number),
        FieldType.Message => Message(rng, f.MessageType, depth + 1),
        _ => throw new NotSupportedException($"field type {f.FieldType} of {f.FullName}"),
    };

    private static IMessage Message(FuzzRng rng, MessageDescriptor d, int depth)
    {
        var m = (IMessage)Activator.CreateInstance(d.ClrType)!;
        if (depth <= 2) Fill(rng, m, depth);
        return m;
    }
}
