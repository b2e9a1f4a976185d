namespace Agents;

/// <summary>Conveniences over <see cref="IGenerator"/>.</summary>
public static class GeneratorExtensions
{
    /// <summary>Asks the generator chain for a service of type <typeparamref name="TService"/>.</summary>
    /// <typeparam name="TService">The type of service wanted.</typeparam>
    /// <param name="generator">The generator to ask.</param>
    /// <param name="serviceKey">An optional key that distinguishes several services of one type.</param>
    /// <returns>The service, or <see langword="null"/> when nothing in the chain offers it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    public static TService? GetService<TService>(this IGenerator generator, object? serviceKey = null)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(generator);
        return generator.GetService(typeof(TService), serviceKey) as TService;
    }

    /// <summary>Asks the generator chain for its <see cref="GeneratorMetadata"/>.</summary>
    /// <param name="generator">The generator to ask.</param>
    /// <returns>The metadata of the backend at the end of the chain, or <see langword="null"/> if it offers none.</returns>
    public static GeneratorMetadata? GetMetadata(this IGenerator generator) => generator.GetService<GeneratorMetadata>();

    /// <summary>Generates a response to a single user message.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="prompt">The user's message.</param>
    /// <param name="options">Options that shape decoding, or <see langword="null"/> for the generator's defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The generated result.</returns>
    public static Task<GenerationResult> GenerateAsync(
        this IGenerator generator, string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(prompt);
        return generator.GenerateAsync(new GenerationRequest([Message.User(prompt)], options), cancellationToken);
    }

    /// <summary>Streams a response to a single user message.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="prompt">The user's message.</param>
    /// <param name="options">Options that shape decoding, or <see langword="null"/> for the generator's defaults.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The stream of updates.</returns>
    public static IAsyncEnumerable<GenerationUpdate> StreamAsync(
        this IGenerator generator, string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(prompt);
        return generator.StreamAsync(new GenerationRequest([Message.User(prompt)], options), cancellationToken);
    }
}
