namespace Agents.Evaluation;

/// <summary>A semantic similarity between a candidate and a reference.</summary>
/// <param name="Method">How it was computed.</param>
/// <param name="Precision">BERTScore precision (the cosine itself under <see cref="SimilarityMethod.SentenceCosine"/>).</param>
/// <param name="Recall">BERTScore recall (the cosine itself under <see cref="SimilarityMethod.SentenceCosine"/>).</param>
/// <param name="F1">BERTScore F1 (the cosine itself under <see cref="SimilarityMethod.SentenceCosine"/>).</param>
public sealed record SimilarityScore(SimilarityMethod Method, double Precision, double Recall, double F1);
