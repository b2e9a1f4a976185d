namespace Agents;

/// <summary>Hears what happens to one observed stream; see <see cref="ObservedStream"/>.</summary>
internal interface IGenerationObserver
{
    /// <summary>An update passed through to the caller.</summary>
    void OnUpdate(GenerationUpdate update);

    /// <summary>The inner stream ended normally.</summary>
    void OnCompleted();

    /// <summary>The inner stream threw; <paramref name="cancelled"/> tells a caller's cancellation from a failure.</summary>
    void OnFailed(Exception exception, bool cancelled);

    /// <summary>The caller stopped enumerating before the stream ended.</summary>
    void OnAbandoned();
}
