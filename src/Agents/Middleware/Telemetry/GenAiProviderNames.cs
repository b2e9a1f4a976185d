namespace Agents;

/// <summary>The <c>gen_ai.provider.name</c> a span and its metrics carry, as the GenAI semantic conventions spell it.</summary>
internal static class GenAiProviderNames
{
    /// <summary>The conventions' name for Azure OpenAI, which speaks the OpenAI protocol from an Azure endpoint.</summary>
    public const string AzureOpenAI = "azure.ai.openai";

    // Azure OpenAI resources answer on these hosts; the backend itself reports "openai" because the protocol is the same.
    private static readonly string[] AzureOpenAIHostSuffixes = [".openai.azure.com", ".cognitiveservices.azure.com"];

    /// <summary>Gets the provider name to record for a backend's metadata.</summary>
    /// <param name="providerName">The provider name the backend reports.</param>
    /// <param name="endpoint">The endpoint the backend talks to, if any.</param>
    /// <returns><see cref="AzureOpenAI"/> for an OpenAI-protocol backend on an Azure OpenAI host; otherwise <paramref name="providerName"/>.</returns>
    public static string? Resolve(string? providerName, Uri? endpoint)
    {
        if (string.Equals(providerName, "openai", StringComparison.OrdinalIgnoreCase)
            && endpoint is { IsAbsoluteUri: true } uri
            && Array.Exists(AzureOpenAIHostSuffixes, suffix => uri.Host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)))
        {
            return AzureOpenAI;
        }

        return providerName;
    }
}
