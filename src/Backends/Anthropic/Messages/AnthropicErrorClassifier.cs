using System.Text.RegularExpressions;
using Agents.Backends.Http;

namespace Agents.Backends.Anthropic.Messages;

/// <summary>Recognises Anthropic's context-window error: "prompt is too long: 210000 tokens &gt; 200000 maximum".</summary>
internal static partial class AnthropicErrorClassifier
{
    public static GeneratorException? Classify(HttpFailure failure, ProviderException details)
    {
        if (failure.Error?.Message is not { } message)
        {
            return null;
        }

        var match = PromptTooLong().Match(message);
        return match.Success
            ? new ContextWindowExceededException(
                ProviderErrorMapper.ParseInt(match.Groups["prompt"].Value), ProviderErrorMapper.ParseInt(match.Groups["window"].Value), innerException: details)
            {
                Provider = details.Provider,
            }
            : null;
    }

    [GeneratedRegex(@"prompt is too long: (?<prompt>\d+) tokens > (?<window>\d+) maximum", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PromptTooLong();
}
