using System.Globalization;
using System.Net.Http.Headers;

namespace Agents.Backends.Http;

/// <summary>
/// Reads how long a server asks us to wait: <c>retry-after-ms</c> (OpenAI, Azure) first, then
/// <c>Retry-After</c> as delta-seconds or an HTTP date. Anything unparseable ("114h18m" has been seen in
/// the wild) is ignored rather than trusted, and every value is capped so one bad header cannot park a
/// caller for hours.
/// </summary>
internal static class RetryAfterParser
{
    public static TimeSpan? Parse(HttpResponseHeaders headers, DateTimeOffset now, TimeSpan cap)
    {
        if (TryGetSingle(headers, "retry-after-ms", out var msText)
            && double.TryParse(msText, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
            && double.IsFinite(ms) && ms >= 0)
        {
            return Cap(TimeSpan.FromMilliseconds(Math.Min(ms, cap.TotalMilliseconds)), cap);
        }

        return TryGetSingle(headers, "Retry-After", out var text) ? Parse(text, now, cap) : null;
    }

    public static TimeSpan? Parse(string? value, DateTimeOffset now, TimeSpan cap)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return double.IsFinite(seconds) && seconds >= 0 ? Cap(TimeSpan.FromSeconds(Math.Min(seconds, cap.TotalSeconds)), cap) : null;
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var delay = date - now;
            return Cap(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, cap);
        }

        return null;
    }

    private static TimeSpan Cap(TimeSpan value, TimeSpan cap) => value > cap ? cap : value;

    private static bool TryGetSingle(HttpResponseHeaders headers, string name, out string? value)
    {
        value = headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
        return value is not null;
    }
}
