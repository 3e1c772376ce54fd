package io.github.genesystokens;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API boundary and the direction of dependencies, checked on the compiled classes: the public
 * types are exactly those listed in {@code docs/api.md}; the core names no adapter and no optional
 * library; no adapter names another, the Spring Boot auto-configuration aside; the library never
 * names the emulator or the command line, and the emulator never names the library, so each jar
 * stands on its own.
 */
class ArchitectureTest {

  private static final String ROOT = "io.github.genesystokens";
  private static final String CLI = ROOT + ".cli";
  private static final String EMULATOR = ROOT + ".emulator";
  /** The Spring Boot auto-configuration: the one adapter allowed to wire the others. */
  private static final String BOOT = ROOT + ".boot";
  /** Every adapter package, existing or planned; each depends on the core's API alone. */
  private static final List<String> ADAPTERS =
      List.of(ROOT + ".webclient", ROOT + ".sdk", ROOT + ".micrometer", BOOT);
  /** The optional dependencies of the jar: only adapters may name them. */
  private static final String[] OPTIONAL_LIBRARIES = {
    "org.springframework..", "io.micrometer..", "com.mypurecloud..", "org.apache.hc.."
  };

  /** The compiled main classes alone (their dependencies are named, not imported): fast. */
  private static final JavaClasses CLASSES =
      new ClassFileImporter().importPath(mainClassesDirectory());

  @Test
  void thePublicTypesAreExactlyThoseListedInTheApiDoc() throws IOException {
    Set<String> documented = documentedTypes();
    Set<String> published =
        CLASSES.stream()
            .filter(c -> !c.getPackageName().equals(CLI))
            .filter(ArchitectureTest::isVisibleOutsideItsPackage)
            .map(JavaClass::getName)
            .map(name -> name.replace('$', '.'))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(documented).as("types listed in docs/api.md").isNotEmpty();
    assertThat(published)
        .as("public types of the library and emulator jars (make a new type package-private, or"
            + " document it in docs/api.md)")
        .containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  void theCoreDependsOnNoAdapterNoOptionalLibraryAndNothingOutsideTheLibrary() {
    String[] forbidden =
        concat(
            concat(ADAPTERS.stream().map(p -> p + "..").toArray(String[]::new), OPTIONAL_LIBRARIES),
            new String[] {CLI + "..", EMULATOR + ".."});
    noClasses()
        .that()
        .resideInAPackage(ROOT)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because("the core must load without any optional dependency, and adapters build on it")
        .check(CLASSES);
  }

  static List<String> adaptersButBoot() {
    return ADAPTERS.stream().filter(p -> !p.equals(BOOT)).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adaptersButBoot")
  void anAdapterDependsOnTheCoreAloneNeverOnAnotherAdapter(String adapter) {
    String[] others =
        ADAPTERS.stream().filter(p -> !p.equals(adapter)).map(p -> p + "..").toArray(String[]::new);
    noClasses()
        .that()
        .resideInAPackage(adapter + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(concat(others, new String[] {CLI + "..", EMULATOR + ".."}))
        .because("a user with one optional library must not need another's")
        .allowEmptyShould(true) // an adapter that is not written yet has nothing to check
        .check(CLASSES);
  }

  @Test
  void theBootAutoConfigurationNeverDependsOnTheEmulatorOrTheCommandLine() {
    noClasses()
        .that()
        .resideInAPackage(BOOT + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(CLI + "..", EMULATOR + "..")
        .allowEmptyShould(true)
        .check(CLASSES);
  }

  @Test
  void theEmulatorStandsAloneSoItsJarNeedsNoLibraryClass() {
    noClasses()
        .that()
        .resideInAPackage(EMULATOR + "..")
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "belong to the library or the command line",
                c -> c.getPackageName().startsWith(ROOT) && !c.getPackageName().startsWith(EMULATOR)))
        .check(CLASSES);
  }

  /** Public, and so are all its enclosing classes: a public nested type of a hidden class is hidden. */
  private static boolean isVisibleOutsideItsPackage(JavaClass type) {
    if (type.isAnonymousClass() || type.isLocalClass()) {
      return false;
    }
    for (Optional<JavaClass> c = Optional.of(type); c.isPresent(); c = c.get().getEnclosingClass()) {
      if (!c.get().getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The types docs/api.md lists: each {@code ### `package`} heading followed by bullets that start
   * with {@code - `Type`} (a nested type as {@code Outer.Inner}).
   */
  private static Set<String> documentedTypes() throws IOException {
    Pattern heading = Pattern.compile("^### `([a-z.]+)`");
    Pattern bullet = Pattern.compile("^- `([A-Z][A-Za-z0-9.]*)`");
    Set<String> types = new TreeSet<>();
    String pkg = null;
    for (String line : Files.readAllLines(Path.of("docs", "api.md"), StandardCharsets.UTF_8)) {
      Matcher h = heading.matcher(line);
      if (h.find()) {
        pkg = h.group(1);
        continue;
      }
      Matcher b = bullet.matcher(line);
      if (b.find()) {
        assertThat(pkg).as("a bullet before any package heading: " + line).isNotNull();
        types.add(pkg + "." + b.group(1));
      }
    }
    return types;
  }

  private static Path mainClassesDirectory() {
    try {
      return Path.of(TokenProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
