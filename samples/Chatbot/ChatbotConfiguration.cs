using Microsoft.Extensions.Configuration;

namespace Agents.Samples.Chatbot;

/// <summary>
/// Where the Chatbot's settings come from, lowest precedence first: <c>appsettings.json</c> beside the program,
/// <c>appsettings.json</c> in the current directory, then environment variables (<c>Agents__Llama__ContextSize</c>);
/// flags override them all. The keys are the SDK's own sections, as in the README's example.
/// </summary>
public static class ChatbotConfiguration
{
    /// <summary>The file name looked for beside the program and in the current directory.</summary>
    public const string FileName = "appsettings.json";

    /// <summary>The local backend's section (<c>LlamaModelOptions</c>).</summary>
    public const string LlamaSection = "Agents:Llama";

    /// <summary>The OpenAI-compatible backend's section (<c>OpenAIGeneratorOptions</c>).</summary>
    public const string OpenAISection = "Agents:OpenAI";

    /// <summary>The Anthropic backend's section (<c>AnthropicGeneratorOptions</c>).</summary>
    public const string AnthropicSection = "Agents:Anthropic";

    /// <summary>The request defaults' section (<c>GenerationDefaults</c>: MaxTokens, Temperature, TopP, …).</summary>
    public const string DefaultsSection = "Agents:Defaults";

    /// <summary>Adds the files and the environment to <paramref name="configuration"/>.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>The same builder.</returns>
    public static IConfigurationBuilder AddChatbotSources(this IConfigurationBuilder configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var besideProgram = Path.Combine(AppContext.BaseDirectory, FileName);
        var inCurrentDirectory = Path.Combine(Environment.CurrentDirectory, FileName);
        configuration.AddJsonFile(besideProgram, optional: true, reloadOnChange: false);
        if (!string.Equals(Path.GetFullPath(besideProgram), Path.GetFullPath(inCurrentDirectory), StringComparison.Ordinal))
        {
            configuration.AddJsonFile(inCurrentDirectory, optional: true, reloadOnChange: false);
        }

        return configuration.AddEnvironmentVariables();
    }
}
