using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents;

/// <summary>
/// Middleware that answers a request from an <see cref="IDistributedCache"/> when exactly the same request (messages,
/// every option, model) was answered before, and stores completed answers.
/// </summary>
/// <remarks>
/// <para>
/// The key is the SHA-256 of a canonical JSON of the messages (role, text, name, tool calls, tool-call id), every
/// option (decoding, response format, tools, stop sequences, seed, the cache hint's tenant key, additional
/// properties) and the model id (the request's, or the backend's default), prefixed with <see cref="KeyPrefix"/>.
/// </para>
/// <para>
/// Only completed results are stored: a finish reason is present and is not <see cref="FinishReason.ContentFilter"/>.
/// A failed, cancelled or abandoned stream is never stored. A streaming miss is passed through live and stored only
/// once it completed; a streaming hit is replayed as a stream (<see cref="GenerationResult.ToUpdates"/>).
/// </para>
/// <para>
/// A hit carries <c>AdditionalProperties["agents.cache_hit"] = true</c> (on the result, or on the last update of
/// a stream) and reports the <see cref="Usage"/> of the original call, since that is what the answer cost; its
/// <see cref="GenerationResult.Timings"/> are <see langword="null"/>. Entries that cannot be read back (corrupt,
/// from another version) and cache outages are logged and treated as misses; they never fail the call.
/// </para>
/// </remarks>
public sealed partial class ResponseCachingGenerator : DelegatingGenerator
{
    /// <summary>The key of the <see cref="GenerationResult.AdditionalProperties"/> entry that marks a cache hit.</summary>
    public const string CacheHitPropertyName = "agents.cache_hit";

    private readonly IDistributedCache _cache;
    private readonly ILogger _logger;
    private readonly GeneratorMetadata? _metadata;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator calls pass to on a miss.</param>
    /// <param name="cache">Where answers are stored.</param>
    /// <param name="logger">Logs hits, misses, corrupt entries and cache outages; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="cache"/> is <see langword="null"/>.</exception>
    public ResponseCachingGenerator(IGenerator innerGenerator, IDistributedCache cache, ILogger? logger = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _logger = logger ?? NullLogger.Instance;
        _metadata = innerGenerator.GetService<GeneratorMetadata>();
    }

    /// <summary>Gets or sets the text put before every key, to separate applications or versions sharing one cache.</summary>
    /// <value><c>"agents:response:"</c> by default.</value>
    public string KeyPrefix { get; set; } = "agents:response:";

    /// <summary>Gets or sets how long entries live.</summary>
    /// <value><see langword="null"/> by default: the cache's own default (no expiration for the in-memory and Redis caches).</value>
    public DistributedCacheEntryOptions? EntryOptions { get; set; }

    /// <summary>
    /// Gets or sets whether requests that sample without a seed are cached too. Such requests are not deterministic:
    /// a cached answer hides the variety the caller asked for.
    /// </summary>
    /// <value>
    /// <see langword="false"/> by default: a request whose effective decoding (<see cref="GenerationOptions.GetEffectiveDecoding"/>)
    /// is sampling and whose <see cref="GenerationOptions.Seed"/> is unset bypasses the cache.
    /// </value>
    public bool CacheNonDeterministicRequests { get; set; }

    /// <summary>Computes the cache key of <paramref name="request"/>, prefix included.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public string GetCacheKey(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var modelId = request.Options?.ModelId ?? _metadata?.ModelId;
        return KeyPrefix + ResponseCacheKey.Compute(request, modelId, _metadata?.ProviderName);
    }

    /// <inheritdoc/>
    public override async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsCacheable(request))
        {
            return await InnerGenerator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var key = GetCacheKey(request);
        if (await TryReadAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        var result = await InnerGenerator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        if (IsComplete(result))
        {
            await TryWriteAsync(key, result, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsCacheable(request)
            ? StreamThroughCacheAsync(request, cancellationToken)
            : InnerGenerator.StreamAsync(request, cancellationToken);
    }

    private async IAsyncEnumerable<GenerationUpdate> StreamThroughCacheAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = GetCacheKey(request);
        if (await TryReadAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            foreach (var update in cached.ToUpdates())
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return update;
            }

            yield break;
        }

        var accumulator = new GenerationResultAccumulator();
        await foreach (var update in InnerGenerator.StreamAsync(request, cancellationToken).Tee(accumulator, cancellationToken)
            .ConfigureAwait(false))
        {
            yield return update;
        }

        // Reached only when the stream ended normally: a failure, a cancellation or a caller that stopped early never gets here.
        var result = accumulator.Build();
        if (IsComplete(result))
        {
            await TryWriteAsync(key, result, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool IsCacheable(GenerationRequest request) =>
        CacheNonDeterministicRequests
        || request.Options is not { } options
        || options.Seed is not null
        || options.GetEffectiveDecoding().Kind != DecodingKind.Sampling;

    private static bool IsComplete(GenerationResult result) =>
        result.FinishReason is { } reason && reason != FinishReason.ContentFilter;

    private async Task<GenerationResult?> TryReadAsync(string key, CancellationToken cancellationToken)
    {
        byte[]? bytes;
        try
        {
            bytes = await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReadFailed(key, ex);
            return null;
        }

        if (bytes is null)
        {
            LogMiss(key);
            return null;
        }

        GenerationResult? result;
        try
        {
            result = JsonSerializer.Deserialize(bytes, ResponseCacheJsonContext.Default.CachedResponse)?.ToResult();
        }
        catch (JsonException ex)
        {
            LogCorruptEntry(key, ex);
            return null;
        }

        if (result is null)
        {
            LogCorruptEntry(key, exception: null);
            return null;
        }

        LogHit(key);
        result.AdditionalProperties = new Dictionary<string, object?>(StringComparer.Ordinal) { [CacheHitPropertyName] = true };
        return result;
    }

    private async Task TryWriteAsync(string key, GenerationResult result, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(CachedResponse.From(result), ResponseCacheJsonContext.Default.CachedResponse);
        try
        {
            await _cache.SetAsync(key, bytes, EntryOptions ?? new DistributedCacheEntryOptions(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The answer is good; failing to remember it must not fail the call.
            LogWriteFailed(key, ex);
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Response cache hit for {CacheKey}.")]
    private partial void LogHit(string cacheKey);

    [LoggerMessage(2, LogLevel.Debug, "Response cache miss for {CacheKey}.")]
    private partial void LogMiss(string cacheKey);

    [LoggerMessage(3, LogLevel.Warning, "Response cache entry {CacheKey} could not be read back; treated as a miss and overwritten.")]
    private partial void LogCorruptEntry(string cacheKey, Exception? exception);

    [LoggerMessage(4, LogLevel.Warning, "Response cache read for {CacheKey} failed; treated as a miss.")]
    private partial void LogReadFailed(string cacheKey, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Response cache write for {CacheKey} failed; the answer was returned but not stored.")]
    private partial void LogWriteFailed(string cacheKey, Exception exception);
}
