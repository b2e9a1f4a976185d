using System.Text.Json;

namespace Agents.Samples.Chatbot;

/// <summary>The one-shot <c>--json</c> contract: one object on one line.</summary>
public static class JsonAnswer
{
    public static string Format(TurnResult result)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("text", result.Text);
            if (result.FinishReason is { } finish)
            {
                json.WriteString("finishReason", JsonNamingPolicy.CamelCase.ConvertName(finish.ToString()));
            }
            else
            {
                json.WriteNull("finishReason");
            }

            json.WriteStartObject("usage");
            json.WriteNumber("promptTokens", result.Usage.PromptTokens);
            json.WriteNumber("completionTokens", result.Usage.CompletionTokens);
            json.WriteNumber("cachedPromptTokens", result.Usage.CachedPromptTokens);
            json.WriteEndObject();
            if (result.TimeToFirstToken is { } ttft)
            {
                json.WriteNumber("ttftMs", Math.Round(ttft.TotalMilliseconds, 3));
            }
            else
            {
                json.WriteNull("ttftMs");
            }

            json.WriteString("model", result.ModelId);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
