namespace Agents.Configuration;

/// <summary>
/// Marks an options property whose object is a section in code but whose settings sit directly under the parent's
/// configuration section, not under a sub-section named after the property: <c>Agents:Llama:ModelPath</c> sets
/// <c>LlamaModelOptions.Load.ModelPath</c>. Options grow sections this way without changing the keys users already
/// wrote. <see cref="OptionsBinder"/> binds such a section from the parent's keys, <see cref="UnknownConfigurationKeys"/>
/// accepts its keys at the parent's level (and not under the property's name), and <see cref="OptionsValidator"/>
/// reports its failures under the parent's path.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class FlattenedSectionAttribute : Attribute
{
}
