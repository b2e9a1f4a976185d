using System.Text;
using LLama;

namespace Agents.Backends.Llama.Chat;

/// <summary>Applies the chat template from the model's own metadata through llama.cpp's template engine.</summary>
internal sealed class ModelChatTemplateFormatter : IChatPromptFormatter
{
    private readonly LLamaWeights _weights;

    /// <summary>Creates the formatter; fails when the model has no template llama.cpp can apply.</summary>
    /// <param name="weights">The model's weights.</param>
    /// <exception cref="InvalidOperationException">The model has no usable template.</exception>
    public ModelChatTemplateFormatter(LLamaWeights weights)
    {
        _weights = weights;

        // Strict: the lenient form silently falls back to ChatML when the model has no template.
        _ = new LLamaTemplate(weights, strict: true);
    }

    public string Name => "model";

    public string Format(IReadOnlyList<Message> messages)
    {
        // One template per call: LLamaTemplate keeps mutable buffers and is not thread-safe.
        var template = new LLamaTemplate(_weights, strict: true) { AddAssistant = true };
        foreach (var message in messages)
        {
            template.Add(ChatRoles.Of(message.Role), message.Text);
        }

        return Encoding.UTF8.GetString(template.Apply());
    }
}
