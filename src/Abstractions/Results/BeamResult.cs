namespace Agents;

/// <summary>One final beam of a beam search.</summary>
/// <param name="Text">The beam's generated text.</param>
/// <param name="LogLikelihood">The sum of the log-probabilities of the beam's tokens.</param>
/// <param name="Score">The length-normalised score beams are ranked by.</param>
/// <param name="TokenCount">How many tokens the beam generated.</param>
public sealed record BeamResult(string Text, double LogLikelihood, double Score, int TokenCount);
