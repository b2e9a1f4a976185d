using LLama;
using LLama.Exceptions;

namespace Agents.Backends.Llama.Chat;

/// <summary>Chooses how a model's conversations are formatted: its own template, or the configured fallback; never a guess.</summary>
internal static class ChatPromptFormatterFactory
{
    /// <summary>Chooses the formatter.</summary>
    /// <param name="weights">The model.</param>
    /// <param name="info">The model's metadata.</param>
    /// <param name="options">The configured fallback and override.</param>
    /// <returns>The formatter, or <see langword="null"/> when the model has no template and no fallback is configured.</returns>
    public static IChatPromptFormatter? Create(LLamaWeights weights, LlamaModelInfo info, LlamaLoadOptions options)
    {
        if (options.ChatTemplateFallback is { } fallback && (options.OverrideModelChatTemplate || !info.HasChatTemplate))
        {
            return FallbackChatFormatter.Create(fallback);
        }

        if (!info.HasChatTemplate)
        {
            return null;
        }

        try
        {
            return new ModelChatTemplateFormatter(weights);
        }
        catch (Exception ex) when (ex is RuntimeError or InvalidOperationException or ArgumentException)
        {
            return options.ChatTemplateFallback is { } name ? FallbackChatFormatter.Create(name) : null;
        }
    }
}
