using System.Globalization;
using System.Net;

namespace Agents.Backends.Http;

/// <summary>
/// Turns a failed exchange into the core's typed exceptions. Every exception carries the provider, status,
/// request id and a short redacted excerpt of the body; the key never appears in any of them.
/// </summary>
internal static class ProviderErrorMapper
{
    public const int ExcerptLength = 512;

    /// <summary>Maps <paramref name="failure"/>; <paramref name="specific"/> gets the first look (context-window errors).</summary>
    public static GeneratorException Map(HttpFailure failure, HttpBackendSettings settings, Func<HttpFailure, ProviderException, GeneratorException?>? specific)
    {
        var status = (int)failure.StatusCode;
        var excerpt = Excerpt(failure.Body, settings.Redactor);
        var detail = settings.Redactor.Redact(failure.Error?.Message ?? excerpt);
        var code = failure.Error?.Code ?? failure.Error?.Type;
        var where = failure.RequestId is null ? string.Empty : $" (request id {failure.RequestId})";
        var provider = new ProviderException($"{settings.Provider} returned HTTP {status} {Describe(failure.StatusCode)}{where}: {detail}")
        {
            Provider = settings.Provider,
            StatusCode = status,
            RequestId = failure.RequestId,
            BodyExcerpt = excerpt,
            ErrorCode = code,
            IsTransient = IsTransientStatus(status),
        };

        if (specific?.Invoke(failure, provider) is { } mapped)
        {
            return mapped;
        }

        return status switch
        {
            429 => new RateLimitedException(provider.Message, failure.RetryAfter, provider)
            {
                Provider = settings.Provider,
                StatusCode = status,
                RequestId = failure.RequestId,

                // A spent quota does not come back by waiting a few seconds.
                IsTransient = !string.Equals(code, "insufficient_quota", StringComparison.Ordinal),
            },
            400 or 413 or 422 => new InvalidRequestException(provider.Message, provider)
            {
                Provider = settings.Provider,
                StatusCode = status,
                Parameter = failure.Error?.Parameter,
            },
            _ => provider,
        };
    }

    public static bool IsTransientStatus(int status) => status is 408 or 409 or 425 or 429 or 529 or >= 500;

    public static string Excerpt(string body, SecretRedactor redactor)
    {
        var text = redactor.Redact(body ?? string.Empty).ReplaceLineEndings(" ").Trim();
        return text.Length <= ExcerptLength ? text : string.Concat(text.AsSpan(0, ExcerptLength), "…");
    }

    private static string Describe(HttpStatusCode status) => (int)status switch
    {
        401 => "(authentication failed: check the API key)",
        403 => "(permission denied)",
        404 => "(model or endpoint not found)",
        408 => "(request timeout)",
        429 => "(rate limited)",
        529 => "(overloaded)",
        >= 500 => "(server error)",
        _ => string.Empty,
    };

    /// <summary>Parses an integer found by a regular expression; provider messages only ever hold ASCII digits.</summary>
    public static int ParseInt(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
}
