using System.CommandLine;
using System.Text.Json;
using Compression.Engine.Profiles;

namespace Compression.Cli.Commands;

/// <summary><c>modelc profiles [--json]</c>: the device profiles, their recipes and the RIDs that select them.</summary>
internal static class ProfilesCommand
{
    public static Command Create(TextWriter stdout)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("profiles", "List the device profiles and the runtime identifiers that select them.") { json };
        command.SetAction(parse =>
        {
            var profiles = new ProfileCatalog().Profiles
                .Select(p => new { p.Name, Recipe = p.Recipe.ToString(), p.RuntimeIdentifiers, p.Description }).ToList();
            if (parse.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(profiles, CliJson.Options));
                return ExitCodes.Done;
            }
            foreach (var p in profiles)
            {
                var rids = p.RuntimeIdentifiers.Count == 0 ? (p.Name == BuiltInProfiles.Portable ? "no RID (and any RID not listed)" : "only when named") : string.Join(", ", p.RuntimeIdentifiers);
                stdout.WriteLine($"{p.Name,-14} {p.Recipe,-14} {rids}");
                stdout.WriteLine($"{"",-14} {p.Description}");
            }
            return ExitCodes.Done;
        });
        return command;
    }
}
