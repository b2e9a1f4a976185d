using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Http;

/// <summary>
/// The base of the hosted backends: validates the request, sends it, maps every failure to a typed exception,
/// measures timings, reports options the provider cannot honour, and owns (or borrows) the <see cref="HttpClient"/>.
/// A provider supplies only how a request is written and how its answer and stream are read. It never retries:
/// wrap it in the resilience middleware for that.
/// </summary>
public abstract class HttpGenerator : IGenerator
{
    private readonly HttpClient? _ownedClient;
    private readonly GeneratorMetadata _metadata;

    internal HttpGenerator(HttpClient httpClient, bool ownsClient, HttpBackendSettings settings, ILogger logger, GeneratorMetadata metadata, Func<HttpFailure, ProviderException, GeneratorException?>? specificErrors)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(settings);
        Transport = new HttpBackendTransport(httpClient, settings, logger, specificErrors);
        _metadata = metadata with { Endpoint = EndpointRedaction.WithoutUserInfo(settings.Endpoint) };
        _ownedClient = ownsClient ? httpClient : null;
    }

    internal HttpBackendTransport Transport { get; }

    internal HttpBackendSettings Settings => Transport.Settings;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The request is invalid (no messages, an option out of range); the parameter name names the option.</exception>
    /// <exception cref="InvalidRequestException">The request cannot be expressed for this provider, or the server rejected it.</exception>
    /// <exception cref="ContextWindowExceededException">The prompt does not fit the model's context window.</exception>
    /// <exception cref="RateLimitedException">HTTP 429; <see cref="RateLimitedException.RetryAfter"/> holds the capped wait asked for.</exception>
    /// <exception cref="ProviderException">Any other failure: HTTP status, malformed or wrongly shaped JSON, a body over its size cap, timeout, connection failure.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        GenerationRequestValidator.Validate(request);
        var ignored = new IgnoredOptions();
        var model = ModelFor(request);
        var body = WriteBody(request, model, stream: false, ignored);
        ReportIgnored(ignored);

        using var scope = new CallScope(Settings.Timeout, Settings.TimeProvider, cancellationToken);
        var clock = new GenerationClock(Settings.TimeProvider);
        using var httpRequest = CreateHttpRequest(stream: false);
        HttpBackendLog.Sending(Transport.Logger, Settings.Provider, httpRequest.RequestUri!, model, stream: false);
        using var response = await Transport.SendAsync(httpRequest, body, scope).ConfigureAwait(false);
        using var document = await Transport.ReadJsonAsync(response, scope).ConfigureAwait(false);
        var root = document.RootElement;
        if (ProviderErrorBody.TryRead(root) is { } error)
        {
            throw Transport.StreamError(error, root.GetRawText(), response);
        }

        var result = Transport.ReadShaped(response, root, ReadResult);
        result.Timings = clock.Stop();
        result.FinishReason ??= result.Message.ToolCalls.Count > 0 ? FinishReason.ToolCalls : FinishReason.Stop;
        result.AdditionalProperties = ignored.AttachTo(result.AdditionalProperties);
        Transport.LogCompleted(response, result.Timings);
        return result;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The request is checked and its body written at the call, not at the first <c>MoveNextAsync</c>. Tool-call
    /// fragments are reassembled and delivered whole on the final update, which also carries usage and timings. A
    /// stream that ends before the provider's end marker throws a transient <see cref="ProviderException"/> rather
    /// than returning a silently truncated answer.
    /// </remarks>
    /// <exception cref="ArgumentException">The request is invalid; thrown at the call.</exception>
    /// <exception cref="InvalidRequestException">The request cannot be expressed or the server rejected it.</exception>
    /// <exception cref="ContextWindowExceededException">The prompt does not fit the model's context window.</exception>
    /// <exception cref="RateLimitedException">HTTP 429.</exception>
    /// <exception cref="ProviderException">Any other failure, including an error event, an event over its size cap or a cut-off stream.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        GenerationRequestValidator.Validate(request);
        var ignored = new IgnoredOptions();
        var model = ModelFor(request);
        var body = WriteBody(request, model, stream: true, ignored);
        ReportIgnored(ignored);
        return StreamCoreAsync(request, model, body, ignored, cancellationToken);
    }

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(GeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the <see cref="HttpClient"/> this generator created itself; a client given to it stays its caller's.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedClient?.Dispose();
        }
    }

    /// <summary>Creates the client a generator owns when none is given: no client-wide timeout (ours is re-armed per event), no automatic redirects (the transport follows same-origin ones itself).</summary>
    internal static HttpClient CreateOwnedClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    /// <summary>Writes the provider's request body; options it cannot honour go to <paramref name="ignored"/>.</summary>
    internal abstract byte[] WriteBody(GenerationRequest request, string model, bool stream, IgnoredOptions ignored);

    /// <summary>Creates the provider's generation request message (URL, key, version headers, accept).</summary>
    internal abstract HttpRequestMessage CreateHttpRequest(bool stream);

    /// <summary>Reads a whole (non-streamed) answer; a wrongly shaped document may throw <see cref="InvalidOperationException"/>, which the base maps.</summary>
    internal abstract GenerationResult ReadResult(JsonElement root);

    /// <summary>Creates the reader that follows one stream.</summary>
    internal abstract IHttpStreamReader CreateStreamReader(GenerationRequest request, HttpResponseMessage response, GenerationClock clock);

    private async IAsyncEnumerable<GenerationUpdate> StreamCoreAsync(
        GenerationRequest request, string model, byte[] body, IgnoredOptions ignored, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var scope = new CallScope(Settings.Timeout, Settings.TimeProvider, cancellationToken);
        var clock = new GenerationClock(Settings.TimeProvider);
        using var httpRequest = CreateHttpRequest(stream: true);
        HttpBackendLog.Sending(Transport.Logger, Settings.Provider, httpRequest.RequestUri!, model, stream: true);
        using var response = await Transport.SendAsync(httpRequest, body, scope).ConfigureAwait(false);

        var reader = CreateStreamReader(request, response, clock);
        var events = await Transport.OpenEventsAsync(response, scope, Transport.Shaped<GenerationUpdate?>(response, reader.Read)).ConfigureAwait(false);
        await using var eventsScope = events.ConfigureAwait(false);
        while (await events.MoveNextAsync().ConfigureAwait(false))
        {
            if (events.Current.Data is { } update)
            {
                yield return update;
            }

            if (reader.Completed)
            {
                break;
            }
        }

        if (!reader.Completed)
        {
            throw Transport.Truncated(response, reader.EndMarker);
        }

        var calls = reader.DrainToolCalls();
        var timings = clock.Stop();
        Transport.LogCompleted(response, timings);
        yield return new GenerationUpdate
        {
            ToolCalls = calls,
            FinishReason = reader.FinishReason ?? (calls.Count > 0 ? FinishReason.ToolCalls : FinishReason.Stop),
            Usage = reader.Usage,
            Timings = timings,
            ModelId = reader.ModelId,
            ResponseId = reader.ResponseId,
            AdditionalProperties = ignored.AttachTo(null),
        };
    }

    private string ModelFor(GenerationRequest request) => request.Options?.ModelId is { Length: > 0 } id ? id : _metadata.ModelId!;

    private void ReportIgnored(IgnoredOptions ignored)
    {
        if (ignored.Names.Count > 0)
        {
            HttpBackendLog.OptionsIgnored(Transport.Logger, Settings.Provider, string.Join(", ", ignored.Names));
        }
    }
}
