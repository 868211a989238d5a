using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace VssId.Bench;

/// <summary>What every benchmark needs: a free port and the repository root.</summary>
internal static class BenchSupport
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VssId.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Run the benchmark from the repository.");
    }

    /// <summary>WebApplicationFactory looks for the Host's content root beside the solution; tell it where it is.</summary>
    public static void PointAtHostContentRoot() =>
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_VSSID_HOST", Path.Combine(FindRoot(), "src", "Host"));
}

/// <summary>
/// The real Host (Program) in this process, served by Kestrel on <paramref name="port"/>: settings as deployed
/// (a fresh server key, messages to the outbox, logs at Warning), rate limits off for the load; both roles unless
/// <paramref name="roles"/> says otherwise.
/// </summary>
internal sealed class BenchHost(string connectionString, int port, string environment, Action<IServiceCollection>? services = null, string roles = "api,worker")
    : WebApplicationFactory<Program>
{
    // One per run: hosts started one after the other over the same database share it, as a deployment's processes do.
    private static readonly string ServerKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
    private static readonly string Kek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        builder.UseSetting("Host:Roles", roles);
        builder.UseSetting("Security:ServerKey", ServerKey);
        builder.UseSetting("DataProtection:KeyEncryptionKey", Kek);
        // A throwaway database: the outbox stands in for the gateway, which production refuses without this switch.
        builder.UseSetting("Messaging:AllowOutboxOutsideDevelopment", "true");
        builder.UseSetting("Messaging:Sms:Provider", "outbox");
        builder.UseSetting("Messaging:Email:Provider", "outbox");
        builder.UseSetting("RateLimiting:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Hangfire", "Warning");
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
        UseKestrel(port);
    }
}
