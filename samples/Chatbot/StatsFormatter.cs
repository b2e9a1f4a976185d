using System.Globalization;

namespace Agents.Samples.Chatbot;

/// <summary>The /stats figures as label/value rows, shared by both views.</summary>
public static class StatsFormatter
{
    public static IReadOnlyList<(string Label, string Value)> Rows(ChatSession session)
    {
        var last = session.LastTurn;
        static string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture) + " ms" : "-";
        return
        [
            ("turns", session.Turns.ToString(CultureInfo.InvariantCulture)),
            ("last: tokens/s", last?.TokensPerSecond is { } tps ? tps.ToString("F1", CultureInfo.InvariantCulture) : "-"),
            ("last: time to first token", Ms(last?.TimeToFirstToken)),
            ("last: total time", Ms(last?.Total)),
            ("last: prompt tokens", last?.Usage.PromptTokens.ToString(CultureInfo.InvariantCulture) ?? "-"),
            ("last: cached prompt tokens", last?.Usage.CachedPromptTokens.ToString(CultureInfo.InvariantCulture) ?? "-"),
            ("last: completion tokens", last?.Usage.CompletionTokens.ToString(CultureInfo.InvariantCulture) ?? "-"),
            ("session: prompt tokens", session.TotalUsage.PromptTokens.ToString(CultureInfo.InvariantCulture)),
            ("session: cached prompt tokens", session.TotalUsage.CachedPromptTokens.ToString(CultureInfo.InvariantCulture)),
            ("session: completion tokens", session.TotalUsage.CompletionTokens.ToString(CultureInfo.InvariantCulture)),
        ];
    }
}
