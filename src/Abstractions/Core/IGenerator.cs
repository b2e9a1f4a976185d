namespace Agents;

/// <summary>
/// A text generator: the one provider-neutral contract every backend (a local GGUF model, a hosted
/// provider) and every middleware (retrieval, caching, validation, rate limiting, telemetry) implements.
/// </summary>
/// <remarks>
/// Implementations are safe to call concurrently. A call that is cancelled throws
/// <see cref="OperationCanceledException"/>; it never returns a silently truncated result.
/// </remarks>
public interface IGenerator : IDisposable
{
    /// <summary>Generates a complete response to <paramref name="request"/>.</summary>
    /// <param name="request">The conversation and the options that shape decoding.</param>
    /// <param name="cancellationToken">Cancels the call; the call then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>The generated message with its finish reason, usage and timings.</returns>
    /// <exception cref="ArgumentException">The request is invalid (no messages, an option out of range).</exception>
    /// <exception cref="GeneratorException">The backend failed; the subtype says why.</exception>
    Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Generates a response to <paramref name="request"/> as a stream of incremental updates.</summary>
    /// <param name="request">The conversation and the options that shape decoding.</param>
    /// <param name="cancellationToken">Cancels the stream; enumeration then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// Updates in order; the last one carries the <see cref="GenerationUpdate.FinishReason"/> and
    /// <see cref="GenerationUpdate.Usage"/>.
    /// </returns>
    /// <exception cref="ArgumentException">The request is invalid (no messages, an option out of range).</exception>
    /// <exception cref="GeneratorException">The backend failed; the subtype says why.</exception>
    IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the generator, or anything it wraps, for a service: its <see cref="GeneratorMetadata"/>, a
    /// tokenizer, prefix-cache statistics, a middleware instance. Middleware answers for itself and passes
    /// the question on to the generator it wraps.
    /// </summary>
    /// <param name="serviceType">The type of service wanted.</param>
    /// <param name="serviceKey">An optional key that distinguishes several services of one type.</param>
    /// <returns>The service, or <see langword="null"/> when nothing in the chain offers it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    object? GetService(Type serviceType, object? serviceKey = null);
}
