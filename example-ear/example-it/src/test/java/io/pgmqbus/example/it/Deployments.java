// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import io.pgmqbus.example.it.bad.BadConfigListener;
import io.pgmqbus.example.it.beans.AuditListener;
import io.pgmqbus.example.it.second.KeeperListener;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jboss.arquillian.container.test.api.Testable;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The archives the suite deploys: the example EAR exactly as built, plus test beans and the test
 * WAR; and small EARs of the adapter with one bean package each, for the lifecycle checks.
 */
final class Deployments {
    static final String EXAMPLE_EAR = "pgmq-bus-example.ear";
    static final String RAR = "pgmq-bus-ra.rar";

    private Deployments() {
    }

    private static EnterpriseArchive builtExample() {
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, new File(System.getProperty("deps.dir"), EXAMPLE_EAR));
    }

    /** The example EAR with the test beans (an EJB module) and the tests (a WAR) added. */
    static EnterpriseArchive exampleWithTests(Class<?>... testClasses) {
        EnterpriseArchive ear = builtExample();
        JavaArchive beans = ShrinkWrap.create(JavaArchive.class, "test-beans.jar").addPackage(AuditListener.class.getPackage());
        WebArchive tests = ShrinkWrap.create(WebArchive.class, "test.war").addClasses(testClasses);
        ear.addAsModule(beans);
        ear.addAsModule(Testable.archiveToTest(tests));
        String xml = text(ear, "META-INF/application.xml");
        int end = xml.lastIndexOf("</module>") + "</module>".length();
        xml = xml.substring(0, end) + "<module><ejb>test-beans.jar</ejb></module>"
                + "<module><web><web-uri>test.war</web-uri><context-root>/tests</context-root></web></module>"
                + xml.substring(end);
        ear.setApplicationXML(new StringAsset(xml));
        return ear;
    }

    /** An EAR of the adapter, the API and the beans of one package (no application.xml: WildFly finds the modules). */
    static EnterpriseArchive adapterWith(String name, Package beans) {
        File deps = new File(System.getProperty("deps.dir"));
        EnterpriseArchive ear = ShrinkWrap.create(EnterpriseArchive.class, name);
        ear.addAsModule(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, new File(deps, RAR)));
        ear.addAsLibrary(ShrinkWrap.createFromZipFile(JavaArchive.class, new File(deps, "pgmq-bus-api.jar")));
        ear.addAsModule(ShrinkWrap.create(JavaArchive.class, "beans.jar").addPackage(beans));
        return ear;
    }

    static EnterpriseArchive second() {
        return adapterWith("second.ear", KeeperListener.class.getPackage());
    }

    static EnterpriseArchive invalid() {
        return adapterWith("invalid.ear", BadConfigListener.class.getPackage());
    }

    private static String text(EnterpriseArchive ear, String path) {
        try (InputStream in = ear.get(path).getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + " of " + ear.getName(), e);
        }
    }
}
