using System.Linq.Expressions;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VssId.BuildingBlocks.Jobs;

/// <summary>
/// Recurring Hangfire jobs declared by the modules and registered (idempotently, by id) when the host
/// starts: one way for every module, instead of a hosted service each.
/// </summary>
public static class RecurringJobs
{
    /// <summary>Runs <paramref name="call"/> on <typeparamref name="TJob"/> at <paramref name="cron"/>, under the stable id <paramref name="id"/>.</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string id, Expression<Func<TJob, Task>> call, string cron)
        where TJob : class
    {
        services.AddTransient<TJob>();
        services.AddSingleton(new RecurringJob(jobs => jobs.AddOrUpdate(id, call, cron)));
        services.AddHostedService<Registrar>();
        return services;
    }

    private sealed record RecurringJob(Action<IRecurringJobManager> Register);

    // Registered once however many jobs are declared (AddHostedService skips a type already present).
    private sealed class Registrar(IEnumerable<RecurringJob> declared, IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            // The manager exists only where Hangfire storage is configured (every role of this Host).
            if (services.GetService<IRecurringJobManager>() is { } jobs)
            {
                foreach (var job in declared)
                {
                    job.Register(jobs);
                }
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
