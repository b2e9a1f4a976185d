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
/// connection, timeout — turned into one of the core's typed exceptions.
/// </summary>
internal sealed class HttpBackendTransport(
    HttpClient httpClient,
    HttpBackendSettings settings,
    ILogger logger,
    Func<HttpFailure, ProviderException, GeneratorException?>? specificErrors)
{
    private const int MaxErrorBodyChars = 64 * 1024;

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

        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, scope.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Translate(ex, scope, requestId: null, "sending the request");
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

    /// <summary>Reads and parses a whole JSON body; a body that is not JSON becomes a <see cref="ProviderException"/>.</summary>
    public async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CallScope scope)
    {
        ArgumentNullException.ThrowIfNull(response);
        var requestId = RequestId(response);
        byte[] bytes;
        try
        {
            bytes = await response.Content.ReadAsByteArrayAsync(scope.Token).ConfigureAwait(false);
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

        var events = SseParser.Create(stream, parse).EnumerateAsync(scope.Token).GetAsyncEnumerator(scope.Token);
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
            body = await response.Content.ReadAsStringAsync(scope.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !scope.UserToken.IsCancellationRequested))
        {
            body = string.Empty;
        }

        if (body.Length > MaxErrorBodyChars)
        {
            body = body[..MaxErrorBodyChars];
        }

        var retryAfter = RetryAfterParser.Parse(response.Headers, settings.TimeProvider.GetUtcNow(), settings.MaxRetryAfter);
        var error = ProviderErrorBody.TryParse(body);
        HttpBackendLog.Failed(logger, settings.Provider, (int)response.StatusCode, requestId, error?.Code ?? error?.Type);
        return ProviderErrorMapper.Map(new HttpFailure(response.StatusCode, requestId, body, error, retryAfter), settings, specificErrors);
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
