using System.Text.RegularExpressions;
using Agents.Backends.Http;

namespace Agents.Backends.OpenAI.Chat;

/// <summary>
/// Recognises context-window errors: OpenAI's <c>context_length_exceeded</c> ("maximum context length is
/// 8192 tokens. However, your messages resulted in 9000 tokens") and llama.cpp's
/// <c>exceed_context_size_error</c> with <c>n_prompt_tokens</c>/<c>n_ctx</c>; vLLM words it like OpenAI.
/// </summary>
internal static partial class OpenAIErrorClassifier
{
    public static GeneratorException? Classify(HttpFailure failure, ProviderException details)
    {
        var error = failure.Error;
        if (error is null)
        {
            return null;
        }

        if (string.Equals(error.Type, "exceed_context_size_error", StringComparison.Ordinal))
        {
            return new ContextWindowExceededException(error.ReadInt("n_prompt_tokens") ?? 0, error.ReadInt("n_ctx") ?? 0, innerException: details)
            {
                Provider = details.Provider,
            };
        }

        var isContextError = string.Equals(error.Code, "context_length_exceeded", StringComparison.Ordinal)
            || (error.Message is { } m && m.Contains("maximum context length", StringComparison.OrdinalIgnoreCase));
        if (!isContextError)
        {
            return null;
        }

        var match = error.Message is null ? Match.Empty : ContextNumbers().Match(error.Message);
        return match.Success
            ? new ContextWindowExceededException(
                ProviderErrorMapper.ParseInt(match.Groups["prompt"].Value), ProviderErrorMapper.ParseInt(match.Groups["window"].Value), innerException: details)
            {
                Provider = details.Provider,
            }
            : new ContextWindowExceededException(details.Message, details) { Provider = details.Provider };
    }

    [GeneratedRegex(@"maximum context length is (?<window>\d+) tokens.*?(?:resulted in|requested) (?<prompt>\d+) tokens", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ContextNumbers();
}
