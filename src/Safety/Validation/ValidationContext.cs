namespace Agents.Safety.Validation;

/// <summary>What a validator checks: the answer, and the request that produced it.</summary>
/// <param name="Text">The answer's text (after any redaction by validators that ran before).</param>
/// <param name="Request">The request as it reached the validation middleware (with retrieved sources, if retrieval runs outside it).</param>
/// <param name="Tokenizer">The model's tokenizer when the generator chain offers one; otherwise <see langword="null"/>.</param>
public sealed record ValidationContext(string Text, GenerationRequest Request, ITokenizer? Tokenizer = null);
