namespace MpcSigning.Tests.Fuzzing;

/// <summary>The harness itself: it reports crashes and violations with seed, iteration and input, and replays exactly.</summary>
public class FuzzRunnerTests
{
    private static FuzzCampaign<byte[]> Campaign(Func<byte[], string> check) => new()
    {
        Name = "harness-self-test",
        Inputs = 3000,
        Generate = rng => ByteMutator.Mutate(rng, [1, 2, 3, 4, 5, 6, 7, 8]),
        Check = check,
        Describe = b => FuzzRunner.Hex(b),
        IsRefusal = e => e is FormatException,
    };

    [Test]
    public void Run_ParserThatCrashesOnSomeInputs_ReportsSeedIterationExceptionSiteAndInput()
    {
        var summary = FuzzRunner.Run(Campaign(b => b.Length > 0 && b[0] == 0xFF ? throw new IndexOutOfRangeException("boom") : "ok"), assert: false, seed: 0x1234);
        Assert.That(summary.Failures, Is.Not.Empty, "3000 mutations of 8 bytes set the first byte to 0xFF at least once");
        var first = summary.Failures[0];
        Assert.That(first.Kind, Does.StartWith("crash: System.IndexOutOfRangeException"));
        Assert.That(first.Input, Does.StartWith("[").And.Contain("ff"));
        var report = FuzzRunner.Report("harness-self-test", 0x1234, summary);
        Assert.That(report, Does.Contain("seed 0x0000000000001234").And.Contain($"MPCSIGN_FUZZ_ITERATION={first.Iteration}"));
    }

    [Test]
    public void Run_RefusalTypeAndViolation_AreCountedAndReportedApart()
    {
        var summary = FuzzRunner.Run(Campaign(b => b.Length switch
        {
            0 => throw new FuzzViolation("empty input accepted"),
            < 8 => throw new FormatException("short"),
            _ => "accepted",
        }), assert: false, seed: 7);
        Assert.That(summary.Outcomes.Keys, Does.Contain("refused by FormatException").And.Contain("accepted"));
        Assert.That(summary.Failures.All(f => f.Kind == "violation" && f.Detail == "empty input accepted"), Is.True);
    }

    [Test]
    public void Generate_SameSeedAndIteration_GivesTheSameInput()
    {
        var c = Campaign(_ => "ok");
        for (var i = 0; i < 200; i++)
            Assert.That(c.Generate(new FuzzRng(99, c.Name, i)), Is.EqualTo(c.Generate(new FuzzRng(99, c.Name, i))), $"iteration {i}");
        Assert.That(c.Generate(new FuzzRng(99, c.Name, 1)), Is.Not.EqualTo(c.Generate(new FuzzRng(100, c.Name, 1))));
    }

    [Test]
    public void JsonMutator_MutatedDocuments_AreMostlyDifferentAndSometimesStillJson()
    {
        var doc = JDoc.Parse("""{"a":1,"b":"QUJDREVGRw==","c":[true,null,{"d":"x"}],"e":"00ff"}"""u8.ToArray());
        var outputs = Enumerable.Range(0, 2000).Select(i => JsonMutator.Mutate(new FuzzRng(5, "json", i), doc)).ToArray();
        Assert.That(outputs.Count(o => o.AsSpan().SequenceEqual(doc.Original)), Is.LessThan(100));
        Assert.That(outputs.Count(o => JDoc.TryParse(o) is not null), Is.GreaterThan(600), "most JSON-aware mutations keep the document parseable");
    }
}
