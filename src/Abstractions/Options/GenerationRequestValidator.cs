namespace Agents;

// The parameter names reported are the option names a caller sets (MaxTokens, TopP, ...), not this
// method's own parameters: that is what tells the caller which knob is wrong.
#pragma warning disable CA2208

/// <summary>
/// The argument checks every request passes. The backend at the end of a pipeline is the one place that calls
/// <see cref="Validate"/> (first thing, and eagerly for streams), so a request is checked as it is actually sent,
/// after every middleware has had its say, and whether or not the backend is wrapped in a pipeline.
/// </summary>
public static class GenerationRequestValidator
{
    /// <summary>Checks <paramref name="request"/> and throws on the first problem found.</summary>
    /// <param name="request">The request to check.</param>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The request has no messages or a null message; or an option is out of range (MaxTokens &lt; 1, Temperature &lt; 0,
    /// TopP outside (0, 1], TopK &lt; 0, MinP outside [0, 1], RepetitionPenalty ≤ 0, a beam width &lt; 1, an empty stop
    /// sequence), or a floating-point option (Temperature, TopP, MinP, RepetitionPenalty, FrequencyPenalty,
    /// PresencePenalty) is NaN or infinite. The exception's
    /// <see cref="ArgumentException.ParamName"/> names the offending option.
    /// </exception>
    public static void Validate(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Messages.Count == 0)
        {
            throw new ArgumentException("A generation request needs at least one message.", "Messages");
        }

        for (var i = 0; i < request.Messages.Count; i++)
        {
            if (request.Messages[i] is null)
            {
                throw new ArgumentException($"Message {i} is null.", "Messages");
            }
        }

        if (request.Options is { } options)
        {
            ValidateOptions(options);
        }
    }

    /// <summary>Checks the ranges of <paramref name="options"/>.</summary>
    /// <param name="options">The options to check.</param>
    /// <exception cref="ArgumentException">An option is out of range; <see cref="ArgumentException.ParamName"/> names it.</exception>
    public static void ValidateOptions(GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxTokens is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options.MaxTokens), options.MaxTokens, "MaxTokens must be at least 1.");
        }

        if (options.Temperature is { } t && (t < 0 || !float.IsFinite(t)))
        {
            throw new ArgumentOutOfRangeException(nameof(options.Temperature), t, "Temperature must be a finite number ≥ 0.");
        }

        if (options.TopP is { } p && (!(p > 0) || p > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options.TopP), p, "TopP must be in (0, 1].");
        }

        if (options.TopK is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options.TopK), options.TopK, "TopK must be ≥ 0 (0 disables it).");
        }

        if (options.MinP is { } m && (!(m >= 0) || m > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options.MinP), m, "MinP must be in [0, 1].");
        }

        if (options.RepetitionPenalty is { } r && (!(r > 0) || !float.IsFinite(r)))
        {
            throw new ArgumentOutOfRangeException(nameof(options.RepetitionPenalty), r, "RepetitionPenalty must be a finite number > 0.");
        }

        // NaN or an infinity would reach the native sampler, which turns every logit into NaN.
        if (options.FrequencyPenalty is { } f && !float.IsFinite(f))
        {
            throw new ArgumentOutOfRangeException(nameof(options.FrequencyPenalty), f, "FrequencyPenalty must be a finite number.");
        }

        if (options.PresencePenalty is { } pp && !float.IsFinite(pp))
        {
            throw new ArgumentOutOfRangeException(nameof(options.PresencePenalty), pp, "PresencePenalty must be a finite number.");
        }

        if (options.Decoding is { BeamWidth: < 1 } decoding)
        {
            throw new ArgumentOutOfRangeException("BeamWidth", decoding.BeamWidth, "The beam width must be at least 1.");
        }

        if (options.StopSequences is { } stops && stops.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Stop sequences must not be null or empty.", nameof(options.StopSequences));
        }

        if (options.CacheHint is { } hint && (hint.StablePrefixMessageCount < 0 || hint.SharedPrefixMessageCount < 0
            || hint.SharedPrefixMessageCount > hint.StablePrefixMessageCount))
        {
            throw new ArgumentOutOfRangeException(
                nameof(options.CacheHint), "CacheHint counts must be ≥ 0, and SharedPrefixMessageCount ≤ StablePrefixMessageCount.");
        }
    }
}
