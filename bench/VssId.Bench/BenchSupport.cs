using System.Net;
using System.Net.Sockets;

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
