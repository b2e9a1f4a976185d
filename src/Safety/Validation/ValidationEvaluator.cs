namespace Agents.Safety.Validation;

/// <summary>
/// Runs every registered validator over one complete answer: the redacting ones first (their output is what the
/// others check), then the rest, recording a metric per validator.
/// </summary>
internal sealed class ValidationEvaluator(IReadOnlyList<ValidatorRegistration> registrations, ValidationTelemetry telemetry)
{
    public async ValueTask<ValidationVerdict> EvaluateAsync(
        string text, GenerationRequest request, ITokenizer? tokenizer, CancellationToken cancellationToken)
    {
        var redactions = new List<ValidationViolation>();
        foreach (var registration in registrations)
        {
            if (registration.Policy == ValidationPolicy.Redact)
            {
                var found = ((IIncrementalOutputValidator)registration.Validator).Scan(text);
                telemetry.RecordCheck(registration.Validator.Name, found.Count);
                redactions.AddRange(found);
            }
        }

        var verdict = new ValidationVerdict { Text = SpanRedaction.Apply(text, redactions) };
        verdict.Redacted.AddRange(redactions);
        var context = new ValidationContext(verdict.Text, request, tokenizer);
        foreach (var registration in registrations)
        {
            if (registration.Policy == ValidationPolicy.Redact)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var found = await registration.Validator.ValidateAsync(context, cancellationToken).ConfigureAwait(false);
            telemetry.RecordCheck(registration.Validator.Name, found.Count);
            var bucket = registration.Policy switch
            {
                ValidationPolicy.Repair => verdict.ToRepair,
                ValidationPolicy.Fallback => verdict.ToFallBack,
                _ => verdict.Rejected,
            };
            bucket.AddRange(found.Select(v => (registration, v)));
        }

        return verdict;
    }
}
