using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using VssId.Modules.Credentials.Security;

namespace VssId.Tests.Credentials;

/// <summary>The documented development password never creates an account outside Development.</summary>
public sealed class DevelopmentAdminTests
{
    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "VssId.Host";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private sealed class NoScopes : IServiceScopeFactory
    {
        public int Asked { get; private set; }

        public IServiceScope CreateScope()
        {
            Asked++;
            throw new InvalidOperationException("outside Development nothing may be created");
        }
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_Development_the_first_start_creates_nobody(string environment)
    {
        var scopes = new NoScopes();
        await new DevelopmentAdmin(new Environment(environment), scopes, NullLogger<DevelopmentAdmin>.Instance).StartAsync(CancellationToken.None);
        Assert.Equal(0, scopes.Asked);
    }

    [Fact]
    public async Task In_Development_it_does_create_the_admin()
    {
        var scopes = new NoScopes();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new DevelopmentAdmin(new Environment("Development"), scopes, NullLogger<DevelopmentAdmin>.Instance).StartAsync(CancellationToken.None));
        Assert.Equal(1, scopes.Asked);
    }
}
