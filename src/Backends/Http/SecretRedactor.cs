using System.Text.RegularExpressions;

namespace Agents.Backends.Http;

/// <summary>
/// Removes API keys from text that may leave the process (exception messages, body excerpts, logs). Servers
/// do echo keys back: OpenAI's 401 body quotes part of the key, proxies echo whole requests.
/// </summary>
/// <param name="secrets">The configured secrets (the key, a password in the endpoint's user info); empty ones are skipped.</param>
internal sealed partial class SecretRedactor(params string?[] secrets)
{
    public const string Mask = "***";

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        // Anything shaped like a provider key (sk-…, sk-ant-…, Bearer …) goes too, even if it is not ours.
        return KeyPattern().Replace(text, Mask);
    }

    [GeneratedRegex(@"(sk-[A-Za-z0-9_\-\*]{8,}|Bearer\s+[A-Za-z0-9_\-\.=:]{8,})", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
