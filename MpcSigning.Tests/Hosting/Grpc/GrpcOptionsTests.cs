using System.Net;
using MpcSigning.Hosting;
using MpcSigning.Hosting.Grpc;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Hosting.Grpc;

/// <summary>The gRPC edge's settings: each bad value is refused naming the setting, before anything starts.</summary>
public class GrpcOptionsTests
{
    private static GrpcOptions Load(bool simulated, params (string Name, string Value)[] env)
    {
        var config = TestNode.Config() with { AllowSimulatedAttestation = simulated };
        return GrpcOptions.Load(config, n => env.FirstOrDefault(e => e.Name == n).Value);
    }

    [Test]
    public void Defaults_listen_on_loopback_50051_with_development_files()
    {
        var o = Load(true);
        Assert.That((o.Address, o.Port), Is.EqualTo((IPAddress.Loopback, 50051)));
        Assert.That(o.NeedsDevelopmentFiles);
        Assert.That((o.MaxMessageBytes, o.MaxStreamsPerConnection), Is.EqualTo((65536, 32)));
    }

    [TestCase("50051")]
    [TestCase("example.com:50051")]
    [TestCase("127.0.0.1:70000")]
    [TestCase("127.0.0.1:-1")]
    [TestCase("127.0.0.1:")]
    public void A_bad_listen_address_is_refused_naming_the_variable(string value)
    {
        var e = Assert.Throws<ConfigException>(() => Load(true, (GrpcOptions.ListenVariable, value)));
        Assert.That(e!.Message, Does.StartWith("MPCSIGN_GRPC_LISTEN: must be IP:PORT"));
    }

    [Test]
    public void Some_TLS_files_without_the_others_are_refused()
    {
        var e = Assert.Throws<ConfigException>(() => Load(true, (GrpcOptions.CertVariable, "/tmp/node.crt")));
        Assert.That(e!.Message, Does.Contain("give all three"));
    }

    [Test]
    public void Without_TLS_files_outside_development_the_node_refuses_to_start()
    {
        var e = Assert.Throws<ConfigException>(() => Load(false));
        Assert.That(e!.Message, Does.Contain("only development (simulated attestation allowed) creates them"));
    }

    [Test]
    public void Message_and_stream_limits_are_checked()
    {
        Assert.That(Load(true, ("MPCSIGN_GRPC_MAX_MESSAGE_BYTES", "2048")).MaxMessageBytes, Is.EqualTo(2048));
        var e = Assert.Throws<ConfigException>(() => Load(true, ("MPCSIGN_GRPC_MAX_STREAMS", "0")));
        Assert.That(e!.Message, Does.StartWith("MPCSIGN_GRPC_MAX_STREAMS: must be a whole number from 1 to 1000"));
    }
}
