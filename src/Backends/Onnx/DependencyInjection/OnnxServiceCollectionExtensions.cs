using Agents.Backends.Onnx;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the offline MiniLM embedding generator.</summary>
public static class OnnxServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MiniLmEmbeddingGenerator"/> as the singleton
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <see cref="string"/> to <see cref="Embedding{T}"/> of
    /// <see cref="float"/>; the model loads on first use and is disposed with the container.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options; defaults otherwise.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddMiniLmEmbeddingGenerator(this IServiceCollection services, Action<MiniLmEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = Configure(configure);
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(
            sp => new MiniLmEmbeddingGenerator(options, sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>Registers <see cref="MiniLmEmbeddingGenerator"/> as a keyed singleton embedding generator.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="configure">Adjusts the options; defaults otherwise.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddKeyedMiniLmEmbeddingGenerator(
        this IServiceCollection services, object? serviceKey, Action<MiniLmEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = Configure(configure);
        services.AddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(
            serviceKey, (sp, _) => new MiniLmEmbeddingGenerator(options, sp.GetService<TimeProvider>()));
        return services;
    }

    private static MiniLmEmbeddingOptions Configure(Action<MiniLmEmbeddingOptions>? configure)
    {
        var options = new MiniLmEmbeddingOptions();
        configure?.Invoke(options);

        // Validated at registration, so a bad value fails at start-up rather than at the first embedding.
        options.Validate();
        return options;
    }
}
