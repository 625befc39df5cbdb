using Google.Protobuf;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN;

public class ApprovalVerdictsTests
{
    private static readonly byte[] Challenge = ApprovalChallenge.Derive(Guid.NewGuid().ToByteArray(), new byte[32]);

    private static (RegistryFixture Registry, TempDir Keys, ApprovalRecord Record) Admitted()
    {
        var f = new RegistryFixture();
        var keys = new TempDir();
        var alice = SoftwareAuthenticator.Create(keys.Path, "alice@example.org");
        Assert.That(f.Registry.Enroll(alice.ToParticipant("Alice", Role.Engineer, 1)).Ok, Is.True);
        var o = Approvals.Admit(f.Registry, "alice@example.org", alice.GetAssertion(Challenge, RelyingParty.Default), Challenge, RelyingParty.Default, 1);
        Assert.That(o.Ok, Is.True, o.Message);
        return (f, keys, o.Record!);
    }

    [Test]
    public async Task ReverifyAsync_SameApprovalAskedByThreeServices_IsVerifiedOnceAndKept()
    {
        var (f, keys, record) = Admitted();
        using (f)
        using (keys)
        {
            var verdicts = new ApprovalVerdicts();
            var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => verdicts.ReverifyAsync(record.Clone(), Challenge, RelyingParty.Default)));
            Assert.That(results.All(r => r.Ok), Is.True);
            Assert.That(verdicts.Count, Is.EqualTo(1));
            Assert.That(verdicts.Reverify(record, Challenge, RelyingParty.Default).Ok, Is.True);
        }
    }

    [Test]
    public async Task Reverify_TamperedCopyOfAKnownGoodApproval_IsStillRefused()
    {
        var (f, keys, record) = Admitted();
        using (f)
        using (keys)
        {
            var verdicts = new ApprovalVerdicts();
            Assert.That((await verdicts.ReverifyAsync(record, Challenge, RelyingParty.Default)).Ok, Is.True);
            var tampered = record.Clone();
            var signature = tampered.Assertion.Signature.ToByteArray();
            signature[^1] ^= 1;
            tampered.Assertion.Signature = ByteString.CopyFrom(signature);
            Assert.That(verdicts.Reverify(tampered, Challenge, RelyingParty.Default).Ok, Is.False);
            Assert.That((await verdicts.ReverifyAsync(tampered, Challenge, RelyingParty.Default)).Ok, Is.False);
            var other = ApprovalChallenge.Derive(Guid.NewGuid().ToByteArray(), new byte[32]);
            Assert.That(verdicts.Reverify(record, other, RelyingParty.Default).Code, Is.EqualTo(AuthNError.ChallengeMismatch));
            Assert.That(verdicts.Count, Is.EqualTo(1), "only the one success is kept");
        }
    }
}
