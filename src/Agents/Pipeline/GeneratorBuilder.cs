namespace Agents;

/// <summary>
/// Composes middleware around a generator. The first <c>Use</c> added is the outermost: a request passes the
/// middleware in the order they were added, then reaches the inner generator.
/// </summary>
/// <example>
/// <code>
/// IGenerator generator = new GeneratorBuilder(backend)
///     .UseLogging(loggerFactory)
///     .UseOpenTelemetry()
///     .Build();
/// </code>
/// </example>
public sealed class GeneratorBuilder
{
    private readonly Func<IServiceProvider, IGenerator> _innerFactory;
    private readonly List<Func<IGenerator, IServiceProvider, IGenerator>> _factories = [];

    /// <summary>Creates a builder around an existing generator.</summary>
    /// <param name="innerGenerator">The generator at the end of the pipeline.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    public GeneratorBuilder(IGenerator innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        _innerFactory = _ => innerGenerator;
    }

    /// <summary>Creates a builder whose inner generator is made from the service provider at build time.</summary>
    /// <param name="innerGeneratorFactory">Makes the generator at the end of the pipeline.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGeneratorFactory"/> is <see langword="null"/>.</exception>
    public GeneratorBuilder(Func<IServiceProvider, IGenerator> innerGeneratorFactory)
    {
        ArgumentNullException.ThrowIfNull(innerGeneratorFactory);
        _innerFactory = innerGeneratorFactory;
    }

    /// <summary>Gets how many middleware factories have been added.</summary>
    public int Count => _factories.Count;

    /// <summary>Adds a middleware made from the generator it wraps.</summary>
    /// <param name="generatorFactory">Wraps the inner generator.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generatorFactory"/> is <see langword="null"/>.</exception>
    public GeneratorBuilder Use(Func<IGenerator, IGenerator> generatorFactory)
    {
        ArgumentNullException.ThrowIfNull(generatorFactory);
        return Use((inner, _) => generatorFactory(inner));
    }

    /// <summary>Adds a middleware made from the generator it wraps and the application's services.</summary>
    /// <param name="generatorFactory">Wraps the inner generator.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generatorFactory"/> is <see langword="null"/>.</exception>
    public GeneratorBuilder Use(Func<IGenerator, IServiceProvider, IGenerator> generatorFactory)
    {
        ArgumentNullException.ThrowIfNull(generatorFactory);
        _factories.Add(generatorFactory);
        return this;
    }

    /// <summary>Builds the pipeline.</summary>
    /// <param name="services">The services middleware factories may use; an empty provider when <see langword="null"/>.</param>
    /// <returns>
    /// The outermost generator. Requests are checked (<see cref="GenerationRequestValidator"/>) once, by the backend at
    /// the end of the chain, as they are actually sent after every middleware ran.
    /// </returns>
    /// <exception cref="InvalidOperationException">The inner factory or a middleware factory returned <see langword="null"/>; the message names its index.</exception>
    public IGenerator Build(IServiceProvider? services = null)
    {
        services ??= EmptyServiceProvider.Instance;
        var generator = _innerFactory(services)
            ?? throw new InvalidOperationException("The inner generator factory returned null.");

        // Apply in reverse so that the first factory added ends up outermost.
        for (var i = _factories.Count - 1; i >= 0; i--)
        {
            generator = _factories[i](generator, services)
                ?? throw new InvalidOperationException(
                    $"The middleware factory at index {i} returned null; every factory must return a generator.");
        }

        return generator;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
