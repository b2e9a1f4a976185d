using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Agents.Safety.RateLimiting;

/// <summary>Adds <see cref="RateLimitingGenerator"/> to a pipeline.</summary>
public static class RateLimitingGeneratorBuilderExtensions
{
    /// <summary>
    /// Keeps requests within requests-per-minute, tokens-per-minute and concurrency limits, per tenant and for all
    /// traffic, locally or shared through Redis (<see cref="RateLimitingOptions.Distributed"/>).
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Sets the limits.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The options are validated here, once. At build time, the clock is the services' <see cref="TimeProvider"/>,
    /// the meter comes from their <see cref="IMeterFactory"/>, the logger from their <see cref="ILoggerFactory"/>, and
    /// a distributed limiter without a connection uses their <see cref="IConnectionMultiplexer"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="InvalidOperationException">At build time: distributed limiting has no connection and the services hold no <see cref="IConnectionMultiplexer"/>.</exception>
    public static GeneratorBuilder UseRateLimiting(this GeneratorBuilder builder, Action<RateLimitingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new RateLimitingOptions();
        configure(options);
        options.Validate();
        return builder.Use((inner, services) =>
        {
            if (options.Distributed is { Connection: null } distributed)
            {
                distributed.Connection = services.GetService<IConnectionMultiplexer>()
                    ?? throw new InvalidOperationException(
                        "UseRateLimiting with Distributed options needs a Redis connection: set Distributed.Connection or register an IConnectionMultiplexer.");
            }

            return new RateLimitingGenerator(
                inner,
                options,
                services.GetService<TimeProvider>(),
                services.GetService<ILoggerFactory>()?.CreateLogger<RateLimitingGenerator>(),
                services.GetService<IMeterFactory>());
        });
    }
}
