using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agents;

/// <summary>Adds <see cref="ResponseCachingGenerator"/> to a pipeline.</summary>
public static class ResponseCachingGeneratorBuilderExtensions
{
    /// <summary>Answers repeated, identical requests from a distributed cache; only completed answers are stored.</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="cache">The cache; when <see langword="null"/>, the <see cref="IDistributedCache"/> of the services the pipeline is built with.</param>
    /// <param name="configure">Configures the middleware: <see cref="ResponseCachingGenerator.EntryOptions"/>, <see cref="ResponseCachingGenerator.KeyPrefix"/>, <see cref="ResponseCachingGenerator.CacheNonDeterministicRequests"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">At build time: no cache was given and the services hold no <see cref="IDistributedCache"/>.</exception>
    public static GeneratorBuilder UseResponseCache(
        this GeneratorBuilder builder, IDistributedCache? cache = null, Action<ResponseCachingGenerator>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var resolved = cache ?? services.GetService<IDistributedCache>()
                ?? throw new InvalidOperationException(
                    "UseResponseCache needs an IDistributedCache: pass one, or register one (e.g. services.AddDistributedMemoryCache()).");
            var generator = new ResponseCachingGenerator(
                inner, resolved, services.GetService<ILoggerFactory>()?.CreateLogger<ResponseCachingGenerator>());
            configure?.Invoke(generator);
            return generator;
        });
    }
}
