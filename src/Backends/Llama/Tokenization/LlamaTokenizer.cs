using System.Text;
using LLama;
using LLama.Native;

namespace Agents.Backends.Llama.Tokenization;

/// <summary>The model's own tokenizer, offered as <see cref="ITokenizer"/> through <c>LlamaGenerator.GetService</c>; thread-safe.</summary>
internal sealed class LlamaTokenizer(LLamaWeights weights) : ITokenizer
{
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Array.ConvertAll(TokenizeNative(text, addSpecialTokens, parseSpecial: false), t => (int)t);
    }

    public string Decode(IEnumerable<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
        foreach (var token in tokens)
        {
            decoder.Add(token);
        }

        return decoder.Read();
    }

    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : TokenizeNative(text, addBos: false, parseSpecial: false).Length;
    }

    /// <summary>Tokenizes with llama.cpp's tokenizer.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addBos">Whether to add the BOS token (only when the model wants one).</param>
    /// <param name="parseSpecial">Whether special-token text (e.g. <c>&lt;|im_start|&gt;</c>) becomes the special token.</param>
    /// <returns>The tokens.</returns>
    internal LLamaToken[] TokenizeNative(string text, bool addBos, bool parseSpecial) =>
        text.Length == 0 && !addBos ? [] : weights.Tokenize(text, addBos && weights.Vocab.ShouldAddBOS, parseSpecial, Encoding.UTF8);

    /// <summary>Gets the text of one token, for log-probability reports.</summary>
    /// <param name="token">The token.</param>
    /// <returns>Its text; special tokens are rendered.</returns>
    internal string Piece(LLamaToken token) => weights.Vocab.LLamaTokenToString(token, isSpecialToken: true) ?? string.Empty;
}
