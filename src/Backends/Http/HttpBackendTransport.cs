using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Agents.Backends.Http;

/// <summary>
/// Sends one provider request and reads its answer: no retries (that is the resilience middleware's job),
/// a timeout re-armed at each step, the caller's cancellation honoured as <see cref="OperationCanceledException"/>,
/// and every failure — HTTP status, error event mid-stream, malformed JSON, cut-off stream, refused or reset
/// connection, timeout, a body or event over its size cap, a redirect to another origin — turned into one of the
/// core's typed exceptions. Bodies are read only up to their caps, so a hostile server cannot make the process
/// buffer without bound.
/// </summary>
internal sealed class HttpBackendTransport(
    HttpClient httpClient,
    HttpBackendSettings settings,
    ILogger logger,
    Func<HttpFailure, ProviderException, GeneratorException?>? specificErrors)
{
    /// <summary>The most same-origin redirects followed for one request.</summary>
    public const int MaxRedirects = 5;

    // Headers that carry a key: .NET strips only Authorization on a redirect, so the others would travel to any host.
    private static readonly string[] CredentialHeaders = ["Authorization", "x-api-key", "api-key"];

    public HttpBackendSettings Settings => settings;

    public ILogger Logger => logger;

    /// <summary>Sends <paramref name="request"/> and returns the response once its headers are in; the caller disposes it.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, byte[]? body, CallScope scope)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (body is not null)
        {
            request.Content = JsonBody.ToContent(body);
            if (settings.LogSensitiveData)
            {
                LogBody(body);
            }
        }

        var origin = request.RequestUri!;

        // Taken before sending: a handler that follows a redirect itself removes Authorization from the request.
        var hasCredentials = CarriesCredentials(request);
        var response = await SendOnceAsync(request, scope).ConfigureAwait(false);
        for (var hop = 0; IsRedirect(response.StatusCode) && response.Headers.Location is { } location; hop++)
        {
            var target = location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location);
            using (response)
            {
                if (!SameOrigin(target, origin) && hasCredentials)
                {
                    throw CrossOriginRedirect(response, target);
                }

                if (hop >= MaxRedirects)
                {
                    throw new ProviderException($"{settings.Provider} redirected the request more than {MaxRedirects} times.")
                    {
                        Provider = settings.Provider,
                        StatusCode = (int)response.StatusCode,
                        ErrorCode = "too_many_redirects",
                    };
                }
            }

            request = Redirected(request, target, body);
            response = await SendOnceAsync(request, scope).ConfigureAwait(false);
        }

        // A caller's handler that follows redirects itself has already sent the headers on; the answer is refused all the same.
        if (response.RequestMessage?.RequestUri is { } answered && !SameOrigin(answered, origin) && hasCredentials)
        {
            using (response)
            {
                throw CrossOriginRedirect(response, answered);
            }
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ReadFailureAsync(response, scope).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads and parses a whole JSON body, at most <see cref="HttpBackendSettings.MaxResponseBodyBytes"/> of it; a body
    /// that is not JSON, or longer than the cap, becomes a <see cref="ProviderException"/>.
    /// </summary>
    public async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CallScope scope)
    {
        ArgumentNullException.ThrowIfNull(response);
        var requestId = RequestId(response);
        var cap = settings.MaxResponseBodyBytes;
        if (response.Content.Headers.ContentLength > cap)
        {
            throw TooLarge(response, $"a {response.Content.Headers.ContentLength}-byte response body", cap, nameof(HttpBackendSettings.MaxResponseBodyBytes), "response_too_large");
        }

        byte[] bytes;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(scope.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                (bytes, var exceeded) = await BoundedBodyReader.ReadAsync(stream, cap, scope.Token).ConfigureAwait(false);
                if (exceeded)
                {
                    throw TooLarge(response, "a response body", cap, nameof(HttpBackendSettings.MaxResponseBodyBytes), "response_too_large");
                }
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Translate(ex, scope, requestId, "reading the response");
        }

        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw Malformed(Encoding.UTF8.GetString(bytes), requestId, (int)response.StatusCode, ex);
        }
    }

    /// <summary>Opens the server-sent events of a streamed response, each event's data decoded as text; the caller disposes the reader.</summary>
    public Task<SseEventReader<string>> OpenEventsAsync(HttpResponseMessage response, CallScope scope) =>
        OpenEventsAsync(response, scope, static (_, data) => Encoding.UTF8.GetString(data));

    /// <summary>
    /// Opens the server-sent events of a streamed response, each event's UTF-8 data handed to <paramref name="parse"/>
    /// while it is still in the parser's buffer (no string per event); the caller disposes the reader.
    /// </summary>
    public async Task<SseEventReader<T>> OpenEventsAsync<T>(HttpResponseMessage response, CallScope scope, SseItemParser<T> parse)
    {
        ArgumentNullException.ThrowIfNull(response);
        var requestId = RequestId(response);
        Stream stream;
        try
        {
            stream = await response.Content.ReadAsStreamAsync(scope.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Translate(ex, scope, requestId, "opening the stream");
        }

        var limited = new SseEventLimitStream(
            stream,
            settings.MaxStreamEventBytes,
            () => TooLarge(response, "one stream event", settings.MaxStreamEventBytes, nameof(HttpBackendSettings.MaxStreamEventBytes), "event_too_large"));
        var events = SseParser.Create(limited, parse).EnumerateAsync(scope.Token).GetAsyncEnumerator(scope.Token);
        return new SseEventReader<T>(events, scope, ex => Translate(ex, scope, requestId, "reading the stream"));
    }

    /// <summary>
    /// Reads <paramref name="root"/> with <paramref name="read"/>; a document of the wrong shape (an array where an
    /// object belongs, a number where a string belongs) becomes a <see cref="ProviderException"/> with the body excerpt.
    /// </summary>
    public T ReadShaped<T>(HttpResponseMessage response, JsonElement root, Func<JsonElement, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return read(root);
        }
        catch (Exception ex) when (IsShapeError(ex))
        {
            throw WrongShape(root.GetRawText(), response, ex);
        }
    }

    /// <summary>Wraps a stream event parser so an event of the wrong shape becomes a <see cref="ProviderException"/> with the event's excerpt.</summary>
    public SseItemParser<T> Shaped<T>(HttpResponseMessage response, SseItemParser<T> parse) => (eventType, data) =>
    {
        try
        {
            return parse(eventType, data);
        }
        catch (Exception ex) when (IsShapeError(ex))
        {
            throw WrongShape(Encoding.UTF8.GetString(data), response, ex);
        }
    };

    public static bool IsTransportFailure(Exception ex) => ex is HttpRequestException or OperationCanceledException or IOException;

    /// <summary>Parses one stream event's JSON payload; malformed JSON becomes a <see cref="ProviderException"/>.</summary>
    public JsonDocument ParseEvent(string data, HttpResponseMessage response)
    {
        try
        {
            return JsonDocument.Parse(data);
        }
        catch (JsonException ex)
        {
            throw Malformed(data, RequestId(response), (int)response.StatusCode, ex);
        }
    }

    /// <summary>Maps an error object found inside an otherwise successful stream.</summary>
    public GeneratorException StreamError(ProviderErrorBody error, string data, HttpResponseMessage response)
    {
        var failure = new HttpFailure((HttpStatusCode)StreamErrorStatus(error), RequestId(response), data, error, null);
        HttpBackendLog.Failed(logger, settings.Provider, (int)failure.StatusCode, failure.RequestId, error.Code ?? error.Type);
        return ProviderErrorMapper.Map(failure, settings, specificErrors);
    }

    /// <summary>The error for a stream that ended without the provider's end marker.</summary>
    public ProviderException Truncated(HttpResponseMessage response, string endMarker)
    {
        var requestId = RequestId(response);
        HttpBackendLog.TransportFailed(logger, settings.Provider, "the stream ended before " + endMarker);
        return new ProviderException($"The {settings.Provider} stream ended before {endMarker}; the answer is incomplete (request id {requestId ?? "none"}).")
        {
            Provider = settings.Provider,
            StatusCode = (int)response.StatusCode,
            RequestId = requestId,
            IsTransient = true,
        };
    }

    /// <summary>Logs the end of a call at debug level.</summary>
    public void LogCompleted(HttpResponseMessage response, GenerationTimings timings)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var elapsedMs = timings.Total.GetValueOrDefault().TotalMilliseconds;
            var requestId = RequestId(response);
            HttpBackendLog.Completed(logger, settings.Provider, elapsedMs, requestId);
        }
    }

    public string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues(settings.RequestIdHeader, out var values) ? values.FirstOrDefault() : null;

    private void LogBody(byte[] body)
    {
        if (logger.IsEnabled(LogLevel.Trace))
        {
            var text = settings.Redactor.Redact(Encoding.UTF8.GetString(body));
            HttpBackendLog.RequestBody(logger, settings.Provider, text);
        }
    }

    private async Task<GeneratorException> ReadFailureAsync(HttpResponseMessage response, CallScope scope)
    {
        var requestId = RequestId(response);
        string body;
        try
        {
            // Only the head of an error body is read: it is for an excerpt, and a hostile server may send gigabytes.
            var stream = await response.Content.ReadAsStreamAsync(scope.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var (bytes, _) = await BoundedBodyReader.ReadAsync(stream, settings.MaxErrorBodyBytes, scope.Token).ConfigureAwait(false);
                body = Encoding.UTF8.GetString(bytes);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !scope.UserToken.IsCancellationRequested))
        {
            body = string.Empty;
        }

        var retryAfter = RetryAfterParser.Parse(response.Headers, settings.TimeProvider.GetUtcNow(), settings.MaxRetryAfter);
        var error = ProviderErrorBody.TryParse(body);
        HttpBackendLog.Failed(logger, settings.Provider, (int)response.StatusCode, requestId, error?.Code ?? error?.Type);
        return ProviderErrorMapper.Map(new HttpFailure(response.StatusCode, requestId, body, error, retryAfter), settings, specificErrors);
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static bool SameOrigin(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool CarriesCredentials(HttpRequestMessage request) =>
        request.Headers.Authorization is not null || CredentialHeaders.Any(request.Headers.Contains);

    /// <summary>A copy of <paramref name="request"/> for <paramref name="target"/> (same origin): method, headers and body kept.</summary>
    private static HttpRequestMessage Redirected(HttpRequestMessage request, Uri target, byte[]? body)
    {
        var next = new HttpRequestMessage(request.Method, target);
        foreach (var header in request.Headers)
        {
            next.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            next.Content = JsonBody.ToContent(body);
        }

        return next;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CallScope scope)
    {
        try
        {
            return await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, scope.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Translate(ex, scope, requestId: null, "sending the request");
        }
    }

    private ProviderException CrossOriginRedirect(HttpResponseMessage response, Uri target)
    {
        var where = EndpointRedaction.WithoutUserInfo(target).GetLeftPart(UriPartial.Authority);
        HttpBackendLog.TransportFailed(logger, settings.Provider, "redirect to another origin refused");
        return new ProviderException(
            $"{settings.Provider} redirected the request to another origin ({where}); it was not followed because the request carries an API key.")
        {
            Provider = settings.Provider,
            StatusCode = (int)response.StatusCode,
            RequestId = RequestId(response),
            ErrorCode = "cross_origin_redirect",
        };
    }

    private ProviderException TooLarge(HttpResponseMessage response, string what, int cap, string setting, string code)
    {
        HttpBackendLog.TransportFailed(logger, settings.Provider, $"{what} exceeded {cap} bytes");
        return new ProviderException(
            $"{settings.Provider} sent {what} larger than {cap} bytes (the {setting} cap); it was not read further.")
        {
            Provider = settings.Provider,
            StatusCode = (int)response.StatusCode,
            RequestId = RequestId(response),
            ErrorCode = code,
        };
    }

    // JsonElement throws InvalidOperationException for a value of the wrong kind and FormatException for a number
    // out of range; indexing past an array's end throws IndexOutOfRangeException.
    private static bool IsShapeError(Exception ex) => ex is InvalidOperationException or FormatException or IndexOutOfRangeException or KeyNotFoundException;

    private ProviderException WrongShape(string body, HttpResponseMessage response, Exception inner)
    {
        var requestId = RequestId(response);
        HttpBackendLog.TransportFailed(logger, settings.Provider, "unexpected JSON shape");
        return new ProviderException($"{settings.Provider} sent JSON of an unexpected shape (request id {requestId ?? "none"}): {inner.Message}", inner)
        {
            Provider = settings.Provider,
            StatusCode = (int)response.StatusCode,
            RequestId = requestId,
            BodyExcerpt = ProviderErrorMapper.Excerpt(body, settings.Redactor),
            ErrorCode = "unexpected_shape",
        };
    }

    private ProviderException Malformed(string body, string? requestId, int status, JsonException inner)
    {
        HttpBackendLog.TransportFailed(logger, settings.Provider, "malformed JSON");
        return new ProviderException($"{settings.Provider} sent a response that is not valid JSON (request id {requestId ?? "none"}).", inner)
        {
            Provider = settings.Provider,
            StatusCode = status,
            RequestId = requestId,
            BodyExcerpt = ProviderErrorMapper.Excerpt(body, settings.Redactor),
            IsTransient = true,
        };
    }

    private Exception Translate(Exception ex, CallScope scope, string? requestId, string step)
    {
        if (scope.UserToken.IsCancellationRequested)
        {
            // Re-thrown with the caller's own token (not our linked one), so callers can tell it is theirs.
            return new OperationCanceledException($"The {settings.Provider} call was cancelled while {step}.", ex, scope.UserToken);
        }

        if (scope.TimedOut || ex is OperationCanceledException)
        {
            HttpBackendLog.TransportFailed(logger, settings.Provider, $"timed out {step}");
            var seconds = scope.Timeout.TotalSeconds;
            return new ProviderException(
                $"{settings.Provider} did not answer within the timeout of {seconds:0.###} s while {step} (request id {requestId ?? "none"}).",
                new TimeoutException($"No progress for {seconds:0.###} s while {step}.", ex))
            {
                Provider = settings.Provider,
                RequestId = requestId,
                ErrorCode = "timeout",
                IsTransient = true,
            };
        }

        HttpBackendLog.TransportFailed(logger, settings.Provider, $"{step}: {settings.Redactor.Redact(ex.Message)}");
        return new ProviderException(
            $"The connection to {settings.Provider} at {EndpointRedaction.WithoutUserInfo(settings.Endpoint).GetLeftPart(UriPartial.Authority)} failed while {step}: {settings.Redactor.Redact(ex.Message)}",
            ex)
        {
            Provider = settings.Provider,
            RequestId = requestId,
            ErrorCode = "connection_failed",
            IsTransient = true,
        };
    }

    /// <summary>
    /// The HTTP status an in-stream error stands for: llama.cpp puts a numeric <c>code</c>; Anthropic and
    /// OpenAI name a type.
    /// </summary>
    private static int StreamErrorStatus(ProviderErrorBody error)
    {
        if (error.Code is { Length: 3 } code && int.TryParse(code, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status))
        {
            return status;
        }

        return (error.Type ?? error.Code) switch
        {
            "overloaded_error" => 529,
            "rate_limit_error" or "rate_limit_exceeded" => 429,
            "invalid_request_error" or "exceed_context_size_error" or "context_length_exceeded" => 400,
            "authentication_error" => 401,
            "permission_error" => 403,
            "not_found_error" => 404,
            "request_too_large" => 413,
            "timeout_error" => 504,
            _ => 500,
        };
    }
}
