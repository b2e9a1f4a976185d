using System.Text.Json;

namespace Agents.Evaluation;

/// <summary>Parses the judge's reply as JSON and validates it; an invalid reply goes back to the judge with the error.</summary>
internal sealed class RepairingJudgeOutputReader(int maxRepairAttempts) : IJudgeOutputReader
{
    public async Task<T> ReadAsync<T>(IGenerator judge, GenerationRequest request, Func<JsonElement, (T? Value, string? Error)> parse, CancellationToken cancellationToken)
        where T : class
    {
        var conversation = request.Clone();
        string? reply = null;
        string? error = null;
        for (var attempt = 0; attempt <= maxRepairAttempts; attempt++)
        {
            var result = await judge.GenerateAsync(conversation, cancellationToken).ConfigureAwait(false);
            reply = result.Text;
            error = TryParse(reply, parse, out var verdict);
            if (verdict is not null)
            {
                return verdict;
            }

            conversation = conversation.Clone();
            conversation.Messages.Add(Message.Assistant(reply ?? string.Empty));
            conversation.Messages.Add(Message.User(
                $"That reply cannot be used: {error} Reply again with only the JSON object described above, and nothing else."));
        }

        throw new JudgeOutputException($"The judge gave no valid verdict in {maxRepairAttempts + 1} replies; last error: {error}")
        {
            LastReply = reply is { Length: > 500 } ? reply[..500] : reply,
            Attempts = maxRepairAttempts + 1,
        };
    }

    private static string? TryParse<T>(string? reply, Func<JsonElement, (T? Value, string? Error)> parse, out T? verdict)
        where T : class
    {
        verdict = null;
        if (!JsonText.TryParse(reply, out var document))
        {
            return "it is not a JSON object.";
        }

        using (document)
        {
            if (document!.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "the JSON is not an object.";
            }

            try
            {
                var (value, error) = parse(document.RootElement);
                verdict = value;
                return value is null ? error ?? "the JSON does not match the format." : null;
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                return $"the JSON does not match the format ({e.Message}).";
            }
        }
    }
}
