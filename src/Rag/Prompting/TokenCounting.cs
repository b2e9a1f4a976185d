namespace Agents.Rag;

/// <summary>Counts tokens with a tokenizer when there is one, else with <see cref="TokenEstimate"/>.</summary>
internal static class TokenCounting
{
    public static Func<string, int> For(ITokenizer? tokenizer) =>
        tokenizer is null ? static text => TokenEstimate.Count(text) : tokenizer.CountTokens;
}
