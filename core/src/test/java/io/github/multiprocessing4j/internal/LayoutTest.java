package io.github.multiprocessing4j.internal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Core's layout, as issue 9 and STYLE.md ask: one package per concept inside {@code internal},
 * no cycle between them, and internals that never use the public API back, but for the
 * exceptions and functional interfaces that cross the boundary by design (listed in the public
 * package's Javadoc).
 */
class LayoutTest {

    private static final String API = "io.github.multiprocessing4j";
    private static final Set<String> CROSSING_BY_DESIGN = Set.of(
            "AuthenticationException", "ChildProcessException", "LauncherNotFoundException", "ProcessStartException",
            "QueueEmptyException", "QueueFullException", "QueueShutDownException",
            "TargetNotSerializableException",
            "SerializableRunnable", "SerializableCallable", "SerializableFunction", "SerializableBiFunction");

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(API);

    @Test
    void internalPackagesHaveNoCycle() {
        slices().matching(API + ".internal.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void internalsUseNoPublicClassButThoseThatCrossByDesign() {
        DescribedPredicate<JavaClass> publicApi = new DescribedPredicate<>("a public API class other than "
                + CROSSING_BY_DESIGN) {
            @Override
            public boolean test(JavaClass type) {
                return type.getPackageName().equals(API)
                        && !CROSSING_BY_DESIGN.contains(type.getSimpleName().isEmpty()
                                ? type.getName() : outermost(type).getSimpleName());
            }
        };
        noClasses().that().resideInAPackage(API + ".internal..").should().dependOnClassesThat(publicApi)
                .check(CORE);
    }

    @Test
    void nothingButPackageDocumentationLivesDirectlyInInternal() {
        noClasses().that().doNotHaveSimpleName("package-info").should().resideInAPackage(API + ".internal")
                .check(CORE);
    }

    private static JavaClass outermost(JavaClass type) {
        JavaClass outer = type;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }
}
