using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agents.Safety.Resilience;

/// <summary>Adds <see cref="ResilienceGenerator"/> to a pipeline.</summary>
public static class ResilienceGeneratorBuilderExtensions
{
    /// <summary>
    /// Retries transient failures with exponential backoff and jitter (honouring <see cref="RateLimitedException.RetryAfter"/>
    /// up to a cap), breaks the circuit of a failing backend, applies timeouts, and falls back to another generator.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configure">Changes the settings; the defaults (3 retries from 1 s, breaker at 50 % of 10 calls in 30 s) when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The options are validated here, once. At build time, the clock is the services' <see cref="TimeProvider"/>, the
    /// meter comes from their <see cref="IMeterFactory"/> and the logger from their <see cref="ILoggerFactory"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static GeneratorBuilder UseResilience(this GeneratorBuilder builder, Action<ResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ResilienceOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.Use((inner, services) => new ResilienceGenerator(
            inner,
            options,
            services.GetService<TimeProvider>(),
            services.GetService<ILoggerFactory>()?.CreateLogger<ResilienceGenerator>(),
            services.GetService<IMeterFactory>()));
    }
}
