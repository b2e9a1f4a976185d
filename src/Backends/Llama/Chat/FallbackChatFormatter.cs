using System.Text;

namespace Agents.Backends.Llama.Chat;

/// <summary>
/// The chat formats of <see cref="LlamaChatFormats"/>, written out here for models whose metadata carries no
/// template. Text is produced without a leading BOS: the tokenizer adds the model's own.
/// </summary>
internal sealed class FallbackChatFormatter : IChatPromptFormatter
{
    private readonly Func<IReadOnlyList<Message>, string> _format;

    private FallbackChatFormatter(string name, Func<IReadOnlyList<Message>, string> format)
    {
        Name = name;
        _format = format;
    }

    public string Name { get; }

    /// <summary>Creates the formatter named <paramref name="name"/>.</summary>
    /// <param name="name">One of <see cref="LlamaChatFormats.Names"/>, case-insensitive.</param>
    /// <returns>The formatter.</returns>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    public static FallbackChatFormatter Create(string name) => name.ToUpperInvariant() switch
    {
        "CHATML" => new(LlamaChatFormats.ChatML, ChatML),
        "LLAMA2" => new(LlamaChatFormats.Llama2, Llama2),
        "LLAMA3" => new(LlamaChatFormats.Llama3, Llama3),
        "PHI3" => new(LlamaChatFormats.Phi3, Phi3),
        "GEMMA" => new(LlamaChatFormats.Gemma, Gemma),
        "MISTRAL" => new(LlamaChatFormats.Mistral, Mistral),
        "ZEPHYR" => new(LlamaChatFormats.Zephyr, Zephyr),
        _ => throw new ArgumentException(
            $"Unknown chat template '{name}'; known templates: {string.Join(", ", LlamaChatFormats.Names)}.", nameof(name)),
    };

    public string Format(IReadOnlyList<Message> messages) => _format(messages);

    private static string ToolText(Message m) => m.Role == MessageRole.Tool
        ? $"Tool result{(m.Name is null ? string.Empty : $" ({m.Name})")}: {m.Text}"
        : m.Text;

    private static string ChatML(IReadOnlyList<Message> messages)
    {
        var sb = new StringBuilder();
        foreach (var m in messages)
        {
            sb.Append("<|im_start|>").Append(ChatRoles.Of(m.Role)).Append('\n').Append(m.Text).Append("<|im_end|>\n");
        }

        return sb.Append("<|im_start|>assistant\n").ToString();
    }

    private static string Llama3(IReadOnlyList<Message> messages)
    {
        var sb = new StringBuilder();
        foreach (var m in messages)
        {
            var role = m.Role == MessageRole.Tool ? "ipython" : ChatRoles.Of(m.Role);
            sb.Append("<|start_header_id|>").Append(role).Append("<|end_header_id|>\n\n").Append(m.Text.Trim()).Append("<|eot_id|>");
        }

        return sb.Append("<|start_header_id|>assistant<|end_header_id|>\n\n").ToString();
    }

    private static string Phi3(IReadOnlyList<Message> messages)
    {
        var sb = new StringBuilder();
        foreach (var m in messages)
        {
            var role = m.Role == MessageRole.Tool ? "user" : ChatRoles.Of(m.Role);
            sb.Append("<|").Append(role).Append("|>\n").Append(ToolText(m)).Append("<|end|>\n");
        }

        return sb.Append("<|assistant|>\n").ToString();
    }

    private static string Zephyr(IReadOnlyList<Message> messages)
    {
        var sb = new StringBuilder();
        foreach (var m in messages)
        {
            var role = m.Role == MessageRole.Tool ? "user" : ChatRoles.Of(m.Role);
            sb.Append("<|").Append(role).Append("|>\n").Append(ToolText(m)).Append("</s>\n");
        }

        return sb.Append("<|assistant|>\n").ToString();
    }

    private static string Gemma(IReadOnlyList<Message> messages)
    {
        // Gemma has no system role: system text opens the first user turn.
        var sb = new StringBuilder();
        var system = SystemPrefix(messages);
        var systemUsed = system.Length == 0;
        foreach (var m in messages)
        {
            if (m.Role == MessageRole.System)
            {
                continue;
            }

            var role = m.Role == MessageRole.Assistant ? "model" : "user";
            sb.Append("<start_of_turn>").Append(role).Append('\n');
            if (!systemUsed && role == "user")
            {
                sb.Append(system).Append("\n\n");
                systemUsed = true;
            }

            sb.Append(ToolText(m).Trim()).Append("<end_of_turn>\n");
        }

        if (!systemUsed)
        {
            sb.Append("<start_of_turn>user\n").Append(system).Append("<end_of_turn>\n");
        }

        return sb.Append("<start_of_turn>model\n").ToString();
    }

    private static string Llama2(IReadOnlyList<Message> messages) => InstFormat(messages, systemBlock: true);

    private static string Mistral(IReadOnlyList<Message> messages) => InstFormat(messages, systemBlock: false);

    // [INST] turns: user text inside [INST] … [/INST], the reply after it and closed by </s>; every turn after
    // the first reopens with <s> (the first one's BOS comes from the tokenizer).
    private static string InstFormat(IReadOnlyList<Message> messages, bool systemBlock)
    {
        var sb = new StringBuilder();
        var system = SystemPrefix(messages);
        var systemUsed = system.Length == 0;
        var first = true;
        var open = false;
        foreach (var m in messages)
        {
            switch (m.Role)
            {
                case MessageRole.System:
                    continue;
                case MessageRole.Assistant:
                    if (!open)
                    {
                        sb.Append(first ? "[INST]  [/INST]" : "<s>[INST]  [/INST]");
                        first = false;
                    }

                    sb.Append(' ').Append(m.Text.Trim()).Append(" </s>");
                    open = false;
                    break;
                default:
                    if (open)
                    {
                        // Two user turns in a row: join them into one instruction.
                        sb.Length -= " [/INST]".Length;
                        sb.Append("\n\n").Append(ToolText(m).Trim()).Append(" [/INST]");
                        break;
                    }

                    sb.Append(first ? "[INST] " : "<s>[INST] ");
                    first = false;
                    if (!systemUsed)
                    {
                        sb.Append(systemBlock ? $"<<SYS>>\n{system}\n<</SYS>>\n\n" : $"{system}\n\n");
                        systemUsed = true;
                    }

                    sb.Append(ToolText(m).Trim()).Append(" [/INST]");
                    open = true;
                    break;
            }
        }

        if (!systemUsed)
        {
            sb.Append(first ? "[INST] " : "<s>[INST] ").Append(systemBlock ? $"<<SYS>>\n{system}\n<</SYS>>\n\n" : system).Append(" [/INST]");
        }

        return sb.ToString();
    }

    private static string SystemPrefix(IReadOnlyList<Message> messages) =>
        string.Join("\n\n", messages.Where(m => m.Role == MessageRole.System).Select(m => m.Text.Trim()));
}
