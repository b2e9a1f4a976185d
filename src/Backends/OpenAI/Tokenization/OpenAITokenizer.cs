using Microsoft.ML.Tokenizers;

namespace Agents.Backends.OpenAI;

/// <summary>
/// OpenAI's byte-pair encodings (<c>o200k_base</c> for the GPT-4o, GPT-4.1, GPT-5 and o-series models,
/// <c>cl100k_base</c> for GPT-4, GPT-3.5 and the text-embedding-3 models) as an <see cref="ITokenizer"/>, so the SDK
/// budgets tokens — RAG context packing, rate limiting — the way the provider counts them. The encoding data ships in
/// NuGet packages; nothing is downloaded.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="OpenAIGenerator"/> offers one through <c>GetService&lt;ITokenizer&gt;()</c> when its model name is an
/// OpenAI model; other models served over the OpenAI wire format (vLLM, Ollama, llama.cpp's server) have their own
/// tokenizers, so none is offered and callers fall back to their estimate. Pass <see cref="ForEncoding"/> explicitly
/// for an Azure deployment whose name does not reveal its model.
/// </para>
/// <para>
/// Text is counted as the chat API counts user text: a special-token string typed in text (<c>&lt;|endoftext|&gt;</c>)
/// is plain text, not a control token. Counts exclude the few tokens each chat message adds for its role markers.
/// The encoding loads on first use (a fraction of a second) and is shared; the tokenizer is thread-safe.
/// </para>
/// </remarks>
public sealed class OpenAITokenizer : ITokenizer
{
    /// <summary>The encoding of GPT-4o, GPT-4.1, GPT-4.5, GPT-5 and the o1/o3/o4 models.</summary>
    public const string O200kBase = "o200k_base";

    /// <summary>The encoding of GPT-4, GPT-3.5 and the text-embedding-3 and ada-002 models.</summary>
    public const string Cl100kBase = "cl100k_base";

    // Longest prefixes first: "gpt-4o" and "gpt-4.1" must win over "gpt-4".
    private static readonly (string Prefix, string Encoding)[] ModelPrefixes =
    [
        ("gpt-4o", O200kBase), ("chatgpt-4o", O200kBase), ("gpt-4.1", O200kBase), ("gpt-4.5", O200kBase), ("gpt-5", O200kBase),
        ("o1", O200kBase), ("o3", O200kBase), ("o4", O200kBase), ("gpt-oss", O200kBase),
        ("gpt-4", Cl100kBase), ("gpt-3.5", Cl100kBase), ("text-embedding-3", Cl100kBase), ("text-embedding-ada-002", Cl100kBase),
    ];

    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding(O200kBase));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding(Cl100kBase));

    private readonly Lazy<Tokenizer> _tokenizer;

    private OpenAITokenizer(string encoding)
    {
        Encoding = encoding;
        _tokenizer = encoding == O200kBase ? O200k : Cl100k;
    }

    /// <summary>Gets the encoding's name: <see cref="O200kBase"/> or <see cref="Cl100kBase"/>.</summary>
    public string Encoding { get; }

    /// <summary>Gets the tokenizer for an OpenAI model name (an optional <c>provider/</c> prefix and date suffix are fine).</summary>
    /// <param name="model">The model name, e.g. <c>gpt-4o-mini</c> or <c>gpt-4-0613</c>.</param>
    /// <returns>The tokenizer, or <see langword="null"/> when the name is not an OpenAI model this class knows.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    public static OpenAITokenizer? ForModel(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var name = model[(model.LastIndexOf('/') + 1)..].Trim().ToLowerInvariant();
        foreach (var (prefix, encoding) in ModelPrefixes)
        {
            // "o1" is a family, "o1-mini" a member; "o10" or "o3x" would be some other model.
            if (name.StartsWith(prefix, StringComparison.Ordinal)
                && (prefix.Length > 2 || name.Length == prefix.Length || !char.IsAsciiLetterOrDigit(name[prefix.Length])))
            {
                return new OpenAITokenizer(encoding);
            }
        }

        return null;
    }

    /// <summary>Gets the tokenizer for an encoding by name.</summary>
    /// <param name="encoding"><see cref="O200kBase"/> or <see cref="Cl100kBase"/>.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="encoding"/> is not one of the two.</exception>
    public static OpenAITokenizer ForEncoding(string encoding) => encoding switch
    {
        O200kBase or Cl100kBase => new OpenAITokenizer(encoding),
        _ => throw new ArgumentException($"Unknown encoding '{encoding}': expected {O200kBase} or {Cl100kBase}.", nameof(encoding)),
    };

    /// <inheritdoc/>
    /// <remarks>The tiktoken encodings have no start-of-sequence token: <paramref name="addSpecialTokens"/> changes nothing.</remarks>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        foreach (var piece in PlainTextPieces(text))
        {
            ids.AddRange(_tokenizer.Value.EncodeToIds(piece));
        }

        return ids;
    }

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return _tokenizer.Value.Decode(tokens);
    }

    /// <inheritdoc/>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        foreach (var piece in PlainTextPieces(text))
        {
            count += _tokenizer.Value.CountTokens(piece);
        }

        return count;
    }

    /// <summary>
    /// Splits text so no piece contains a whole special-token string (<c>&lt;|...|&gt;</c>): each <c>&lt;|</c> starts a
    /// new piece, so the encoder sees the characters, as the provider does for user text, never the control token.
    /// </summary>
    private static IEnumerable<string> PlainTextPieces(string text)
    {
        var start = 0;
        for (var at = text.IndexOf("<|", StringComparison.Ordinal); at >= 0; at = text.IndexOf("<|", at + 1, StringComparison.Ordinal))
        {
            yield return text[start..(at + 1)];
            start = at + 1;
        }

        yield return text[start..];
    }
}
