using Microsoft.Extensions.Logging;

namespace Agents.Backends.Http;

/// <summary>Source-generated log messages of the hosted backends. None of them ever carries the API key.</summary>
internal static partial class HttpBackendLog
{
    /// <summary>Logs a request about to be sent; the URL's user info (credentials) is masked first.</summary>
    public static void Sending(ILogger logger, string provider, Uri url, string model, bool stream)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var redacted = EndpointRedaction.WithoutUserInfo(url);
            SendingCore(logger, provider, redacted, model, stream);
        }
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Sending {Provider} request to {Url} for model {Model} (stream: {Stream}).")]
    private static partial void SendingCore(ILogger logger, string provider, Uri url, string model, bool stream);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Trace, Message = "{Provider} request body: {Body}")]
    public static partial void RequestBody(ILogger logger, string provider, string body);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "{Provider} request failed with HTTP {Status} (request id {RequestId}, code {ErrorCode}).")]
    public static partial void Failed(ILogger logger, string provider, int status, string? requestId, string? errorCode);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "{Provider} cannot honour these options, which were not sent: {Options}.")]
    public static partial void OptionsIgnored(ILogger logger, string provider, string options);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "{Provider} request failed: {Reason}")]
    public static partial void TransportFailed(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Debug, Message = "{Provider} answered in {ElapsedMs} ms (request id {RequestId}).")]
    public static partial void Completed(ILogger logger, string provider, double elapsedMs, string? requestId);
}
